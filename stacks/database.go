package stacks

import (
	"fmt"
)

// DatabaseConnection is what a region's app tier needs to reach PostgreSQL:
// the ECS task definitions get Environment as environment variables and
// Secrets through `secrets`; their execution role may read only SecretArn
// and decrypt only with SecretKeyArn.
type DatabaseConnection struct {
	// WriterAddress is the writer's DNS name (in the primary region until a
	// failover promotes the secondary's replica).
	WriterAddress *string
	// ReaderAddress is the region's own replica for reads; the writer where
	// the region has none.
	ReaderAddress *string
	Port          int
	DatabaseName  string
	// SecretArn holds {"username","password"} of the master user.
	SecretArn *string
	// SecretKeyArn is the KMS key the secret is encrypted with; nil for an
	// AWS managed key (usable through Secrets Manager without a grant).
	SecretKeyArn *string
	// Reader says whether DB_READER_HOST is set (the secondary region).
	Reader bool
}

// Environment is the task definitions' database variables.
func (d *DatabaseConnection) Environment() map[string]*string {
	env := map[string]*string{
		"DB_HOST": d.WriterAddress,
		"DB_PORT": ptr(fmt.Sprint(d.Port)),
		"DB_NAME": ptr(d.DatabaseName),
	}
	if d.Reader {
		env["DB_READER_HOST"] = d.ReaderAddress
	}
	return env
}

// Secrets is the task definitions' `secrets`: the user name and password
// as JSON keys of the master secret (ECS resolves them at task start).
func (d *DatabaseConnection) Secrets() map[string]*string {
	return map[string]*string{
		"DB_USER":     ptr(*d.SecretArn + ":username::"),
		"DB_PASSWORD": ptr(*d.SecretArn + ":password::"),
	}
}

// SecretKeyArns are the keys the execution role may decrypt with.
func (d *DatabaseConnection) SecretKeyArns() []*string {
	if d.SecretKeyArn == nil {
		return nil
	}
	return []*string{d.SecretKeyArn}
}

func ptr[T any](v T) *T { return &v }

// AppInputs hands the connection to the region's service.
func (d *DatabaseConnection) AppInputs() AppInputs {
	return AppInputs{Environment: d.Environment(), Secrets: d.Secrets(), SecretKeyArns: d.SecretKeyArns()}
}
