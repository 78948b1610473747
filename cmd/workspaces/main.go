// Command workspaces creates or updates the HCP Terraform (or Terraform
// Enterprise) workspaces that cdktf.out/workspaces.json describes: projects,
// workspaces, their dynamic-credential variables and remote-state
// consumers. It prints what it would do and changes nothing unless -apply
// is given. The token comes from TFE_TOKEN or `terraform login`; the API
// address from -address, else TFE_ADDRESS, else the workspaces' host.
//
//	go run ./cmd/workspaces [-file cdktf.out/workspaces.json] [-address https://app.terraform.io] [-apply]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/multiregion/multiregion/workspaces"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "workspaces:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("workspaces", flag.ContinueOnError)
	file := fs.String("file", "cdktf.out/"+workspaces.FileName, "the workspaces file the app writes")
	address := fs.String("address", "", "API address (default: $TFE_ADDRESS, else https://<hostname of the workspaces>)")
	apply := fs.Bool("apply", false, "create and update; without it, only print what would change")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := workspaces.Read(*file)
	if err != nil {
		return err
	}
	host, err := f.Hostname()
	if err != nil {
		return err
	}
	addr := *address
	if addr == "" {
		addr = os.Getenv("TFE_ADDRESS")
	}
	if addr == "" {
		addr = "https://" + host
	}
	token, err := workspaces.Token(host)
	if err != nil {
		return err
	}
	client, err := workspaces.NewClient(addr, token)
	if err != nil {
		return err
	}
	if err := workspaces.Sync(ctx, client, f, *apply, stdout); err != nil {
		return err
	}
	if !*apply {
		fmt.Fprintln(stdout, "dry run: nothing changed; run again with -apply to make these changes")
	}
	return nil
}
