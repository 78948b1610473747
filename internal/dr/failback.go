package dr

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/multiregion/multiregion/config"
)

// Failback phases: each run does the next one; a deploy goes between them.
const (
	// PhaseRebuild lets Terraform rebuild the primary's former writer as a
	// replica of the secondary's writer.
	PhaseRebuild = "rebuild"
	// PhaseSwitch is the planned window: writes stop in the secondary, the
	// primary's replica catches up and is promoted, DNS prefers the primary.
	PhaseSwitch = "switch"
	// PhaseFinish brings the secondary's service back once its instance
	// replicates from the primary again: the starting shape.
	PhaseFinish = "finish"
)

// Failback returns an environment that failed over to where it started,
// one phase per run (see the Phase constants), deploys between them. The
// config file says which phase is next; the API must agree.
func Failback(ctx context.Context, opts Options) (*Report, error) {
	r, err := newRun(ctx, "failback", opts)
	if err != nil {
		return nil, err
	}
	defer func() { r.rep.Status = r.status(ctx) }()
	d := r.env.Database
	switch {
	case d.Writer == config.RoleSecondary && d.Replica.State == config.ReplicaDetached:
		r.rep.Phase = PhaseRebuild
		r.rebuild(ctx)
	case d.Writer == config.RoleSecondary:
		r.rep.Phase = PhaseSwitch
		r.switchBack(ctx)
	default:
		r.rep.Phase = PhaseFinish
		r.finishFailback(ctx)
	}
	return r.finish(), nil
}

// rebuild: the primary region is back. Its former writer loses deletion
// protection (Terraform replaces it: a replica cannot be made of a writer)
// and the config asks for a replica of the secondary's writer.
func (r *run) rebuild(ctx context.Context) {
	primary := r.region(config.RolePrimary)
	if !r.isWriter(ctx, config.RoleSecondary) {
		return
	}
	old := r.instance(ctx, config.RolePrimary)
	switch {
	case old.Error != "":
		r.refuse(fmt.Sprintf("the primary region does not answer (%s): failback starts once it is back", old.Error))
		return
	case old.State == absent || !old.DeletionProtection:
		r.note("unprotect-former-writer", primary, StepSkipped, old.Identifier+" has no deletion protection to lift", 0)
	default:
		if r.unprotect(ctx, config.RolePrimary) != nil {
			return
		}
	}
	if r.writeConfig(config.RoleSecondary, config.ReplicaReplicating) != nil {
		return
	}
	r.rep.Next = fmt.Sprintf("deploy %s: Terraform replaces the former writer %s with a replica of %s; then run failback again (switch)",
		r.env.StackName(config.RolePrimary), old.Identifier, r.env.DatabaseArn(config.RoleSecondary))
}

// switchBack is the planned window.
func (r *run) switchBack(ctx context.Context) {
	if !r.isReplica(ctx, config.RolePrimary) {
		return
	}
	if !r.lagOK(ctx, config.RolePrimary, time.Now()) {
		return
	}
	// Writes stop in the secondary, then the replica has everything.
	if r.scale(ctx, config.RoleSecondary, 0, true) != nil {
		return
	}
	if r.waitCaughtUp(ctx, config.RolePrimary) != nil {
		return
	}
	if r.promote(ctx, config.RolePrimary) != nil {
		return
	}
	if r.preferDNS(ctx, config.RolePrimary) != nil {
		return
	}
	if r.scale(ctx, config.RolePrimary, int32(r.env.Service.DesiredCount), true) != nil {
		return
	}
	if r.releaseFrom(ctx, config.RolePrimary) != nil {
		return
	}
	if r.unprotect(ctx, config.RoleSecondary) != nil {
		return
	}
	if r.writeConfig(config.RolePrimary, config.ReplicaReplicating) != nil {
		return
	}
	r.rep.Next = fmt.Sprintf("deploy %s, %s and %s: the secondary's former writer is rebuilt as a replica of the primary, DNS prefers the primary; then run failback again (finish)",
		r.env.StackName(config.RolePrimary), r.env.StackName(config.RoleSecondary), r.env.StackName(config.RoleGlobal))
}

// finishFailback brings the secondary's service back.
func (r *run) finishFailback(ctx context.Context) {
	if !r.isWriter(ctx, config.RolePrimary) || !r.isReplica(ctx, config.RoleSecondary) {
		return
	}
	if s := r.service(ctx, config.RoleSecondary); s.Error == "" && s.Desired >= int32(r.env.Service.DesiredCount) {
		r.refuse("nothing to fail back: the primary writes, the secondary replicates and serves")
		return
	}
	_ = r.scale(ctx, config.RoleSecondary, int32(r.env.Service.DesiredCount), true)
}

// isWriter checks that role's instance answers as a standalone writer.
func (r *run) isWriter(ctx context.Context, role string) bool {
	t := time.Now()
	in := r.instance(ctx, role)
	if in.Error != "" || in.State == absent || in.Source != "" {
		r.note("check-writer", r.region(role), StepFailed, fmt.Sprintf("%s: state %q source %q %s", in.Identifier, in.State, in.Source, in.Error), time.Since(t))
		r.refuse(fmt.Sprintf("the %s's instance %s is not a standalone writer", role, in.Identifier))
		return false
	}
	r.note("check-writer", r.region(role), StepDone, in.Identifier+" is the writer", time.Since(t))
	return true
}

// isReplica checks that role's instance is an available replica of the
// other role's writer; else it refuses: deploy role's stack first.
func (r *run) isReplica(ctx context.Context, role string) bool {
	t := time.Now()
	in := r.instance(ctx, role)
	want := r.env.DatabaseIdentifier(config.OtherRole(role))
	if in.Error != "" || in.State != "available" || !strings.HasSuffix(in.Source, ":db:"+want) && in.Source != want {
		r.note("check-"+role+"-replica", r.region(role), StepFailed, fmt.Sprintf("%s: state %q source %q %s", in.Identifier, in.State, in.Source, in.Error), time.Since(t))
		r.refuse(fmt.Sprintf("the %s's instance is not an available replica of %s: deploy %s first", role, want, r.env.StackName(role)))
		return false
	}
	r.note("check-"+role+"-replica", r.region(role), StepDone, in.Identifier+" replicates "+in.Source, time.Since(t))
	return true
}

// unprotect lifts the deletion protection of role's instance, which the
// next deploy replaces by a fresh replica.
func (r *run) unprotect(ctx context.Context, role string) error {
	region, id := r.region(role), r.env.DatabaseIdentifier(role)
	return r.step("unprotect-"+role, region, "modify-db-instance "+id+" --no-deletion-protection (the next deploy rebuilds it as a replica)", func() (string, error) {
		_, err := r.aws.rds[region].ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{
			DBInstanceIdentifier: aws.String(id), DeletionProtection: aws.Bool(false), ApplyImmediately: aws.Bool(true),
		})
		return id + " deletion protection off", err
	})
}

// waitCaughtUp waits until role's replica reports no lag.
func (r *run) waitCaughtUp(ctx context.Context, role string) error {
	return r.step("wait-caught-up", r.region(role), "wait until ReplicaLag is 0", func() (string, error) {
		waited, err := r.waitFor(ctx, func() (bool, error) {
			l := r.lag(ctx, role)
			return l.Seconds != nil && *l.Seconds == 0, nil
		})
		return fmt.Sprintf("ReplicaLag 0 after %.0f s", waited.Seconds()), err
	})
}
