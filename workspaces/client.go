package workspaces

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tfe "github.com/hashicorp/go-tfe"
)

// Hostname is the one HCP Terraform host of the file's workspaces.
func (f *File) Hostname() (string, error) {
	host := ""
	for _, w := range f.Workspaces {
		if host != "" && w.Hostname != host {
			return "", fmt.Errorf("workspaces on two hosts (%s, %s): synthesize one host's environments at a time", host, w.Hostname)
		}
		host = w.Hostname
	}
	if host == "" {
		return "", fmt.Errorf("no workspaces: no selected environment has backend type cloud")
	}
	return host, nil
}

// Token is the API token for host: TFE_TOKEN, else Terraform's own
// TF_TOKEN_<host> variable (dots as underscores), else the one `terraform
// login <host>` saved in ~/.terraform.d/credentials.tfrc.json.
func Token(host string) (string, error) {
	if t := os.Getenv("TFE_TOKEN"); t != "" {
		return t, nil
	}
	if t := os.Getenv("TF_TOKEN_" + strings.NewReplacer(".", "_", "-", "__").Replace(host)); t != "" {
		return t, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(home, ".terraform.d", "credentials.tfrc.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("no API token for %s: set TFE_TOKEN or run terraform login %s (%v)", host, host, err)
	}
	var creds struct {
		Credentials map[string]struct {
			Token string `json:"token"`
		} `json:"credentials"`
	}
	if err := json.Unmarshal(data, &creds); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if t := creds.Credentials[host].Token; t != "" {
		return t, nil
	}
	return "", fmt.Errorf("no API token for %s in %s: run terraform login %s", host, path, host)
}

// NewClient is an API client for address (https://<host>) with token.
func NewClient(address, token string) (*tfe.Client, error) {
	return tfe.NewClient(&tfe.Config{Address: address, Token: token, RetryServerErrors: true})
}
