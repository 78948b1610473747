// Command workspaces creates or updates the HCP Terraform (or Terraform
// Enterprise) workspaces that cdktf.out/workspaces.json describes: projects,
// workspaces, their dynamic-credential variables and remote-state
// consumers. It prints what it would do and changes nothing unless -apply
// is given. The token comes from TFE_TOKEN or `terraform login`.
//
//	go run ./cmd/workspaces [-file cdktf.out/workspaces.json] [-address https://app.terraform.io] [-apply]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/multiregion/multiregion/workspaces"
)

func main() {
	file := flag.String("file", "cdktf.out/"+workspaces.FileName, "the workspaces file the app writes")
	address := flag.String("address", "", "API address (default: https://<hostname of the workspaces>)")
	apply := flag.Bool("apply", false, "create and update; without it, only print what would change")
	flag.Parse()
	if err := run(*file, *address, *apply); err != nil {
		fmt.Fprintln(os.Stderr, "workspaces:", err)
		os.Exit(1)
	}
}

func run(file, address string, apply bool) error {
	f, err := workspaces.Read(file)
	if err != nil {
		return err
	}
	host, err := f.Hostname()
	if err != nil {
		return err
	}
	if address == "" {
		address = "https://" + host
	}
	token, err := workspaces.Token(host)
	if err != nil {
		return err
	}
	client, err := workspaces.NewClient(address, token)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := workspaces.Sync(ctx, client, f, apply, os.Stdout); err != nil {
		return err
	}
	if !apply {
		fmt.Println("dry run: nothing changed; run again with -apply to make these changes")
	}
	return nil
}
