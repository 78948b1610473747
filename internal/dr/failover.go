package dr

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/multiregion/multiregion/config"
)

// Failover makes the secondary region serve and write: it checks the
// replica's lag against the RPO alarm's threshold (refusing unless Force),
// promotes the secondary's replica and waits for it, points DNS (and so
// CloudFront, whose primary origin is the failover name) at the secondary
// by inverting the primary's health check, scales the secondary's service
// to the production count (and the primary's to zero, where that region
// answers), and writes database.writer: secondary and
// database.replica.state: detached into the environment file. Nothing of
// the primary region is needed.
func Failover(ctx context.Context, opts Options) (*Report, error) {
	r, err := newRun(ctx, "failover", opts)
	if err != nil {
		return nil, err
	}
	defer func() { r.rep.Status = r.status(ctx) }()
	d := r.env.Database
	if d.Writer != config.RolePrimary {
		r.refuse(fmt.Sprintf("the config says the writer is already the %s region (database.writer in %s)", d.Writer, r.opts.File))
		return r.finish(), nil
	}
	if !d.Replicating(config.RoleSecondary) {
		r.refuse("the secondary region has no replicating instance (database.replica)")
		return r.finish(), nil
	}
	secondary := r.region(config.RoleSecondary)
	t := time.Now()
	db := r.instance(ctx, config.RoleSecondary)
	switch {
	case db.Error != "":
		r.refuse(fmt.Sprintf("the secondary's instance %s does not answer: %s", db.Identifier, db.Error))
		return r.finish(), nil
	case db.State == absent:
		r.refuse(fmt.Sprintf("the secondary's instance %s does not exist", db.Identifier))
		return r.finish(), nil
	}
	promoted := db.Source == ""
	if !promoted && !r.lagOK(ctx, config.RoleSecondary, t) {
		return r.finish(), nil
	}

	if promoted {
		r.note("promote", secondary, StepSkipped, db.Identifier+" is already a standalone writer", 0)
	} else if err := r.promote(ctx, config.RoleSecondary); err != nil {
		return r.finish(), nil
	}
	if err := r.preferDNS(ctx, config.RoleSecondary); err != nil {
		return r.finish(), nil
	}
	if err := r.scale(ctx, config.RoleSecondary, int32(r.env.Service.DesiredCount), true); err != nil {
		return r.finish(), nil
	}
	// The primary's tasks must not write to the former writer if its region
	// comes back before the next deploy; in an outage it does not answer.
	_ = r.scale(ctx, config.RolePrimary, 0, false)
	if r.releaseFrom(ctx, config.RoleSecondary) != nil {
		return r.finish(), nil
	}
	if r.writeConfig(config.RoleSecondary, config.ReplicaDetached) != nil {
		return r.finish(), nil
	}
	r.rep.Next = fmt.Sprintf("deploy %s and %s (they converge to the promoted writer; the primary stack waits for its region), then, once the primary region is back, run failback",
		r.env.StackName(config.RoleSecondary), r.env.StackName(config.RoleGlobal))
	return r.finish(), nil
}

// lagOK checks the lag of role's replica against the replica-lag alarm's
// threshold; false (refused) when it is above or unknown, unless Force.
func (r *run) lagOK(ctx context.Context, role string, t time.Time) bool {
	l := r.lag(ctx, role)
	region := r.region(role)
	switch {
	case l.Seconds != nil && *l.Seconds <= l.Threshold:
		r.note("check-replica-lag", region, StepDone, fmt.Sprintf("%.0f s <= %.0f s (the replica-lag alarm's threshold)", *l.Seconds, l.Threshold), time.Since(t))
		return true
	case r.opts.Force:
		r.note("check-replica-lag", region, StepSkipped, "forced: "+lagProblem(l), time.Since(t))
		return true
	}
	r.note("check-replica-lag", region, StepFailed, lagProblem(l), time.Since(t))
	r.refuse(lagProblem(l) + ": writes newer than the lag would be lost; wait, or pass --force to accept the loss")
	return false
}

func lagProblem(l *Lag) string {
	if l.Seconds == nil {
		return fmt.Sprintf("replica lag unknown (%s)", l.Detail)
	}
	return fmt.Sprintf("replica lag %.0f s is above %.0f s (the replica-lag alarm's threshold)", *l.Seconds, l.Threshold)
}

// promote promotes role's replica (keeping backups as configured) and
// waits until it answers as an available standalone writer.
func (r *run) promote(ctx context.Context, role string) error {
	region, id := r.region(role), r.env.DatabaseIdentifier(role)
	return r.step("promote", region, fmt.Sprintf("promote-read-replica %s, then wait until it is an available writer", id), func() (string, error) {
		_, err := r.aws.rds[region].PromoteReadReplica(ctx, &rds.PromoteReadReplicaInput{
			DBInstanceIdentifier:  aws.String(id),
			BackupRetentionPeriod: aws.Int32(int32(*r.env.Database.BackupRetentionDays)),
		})
		if err != nil {
			return "", err
		}
		waited, err := r.waitFor(ctx, func() (bool, error) {
			in := r.instance(ctx, role)
			if in.Error != "" {
				return false, errors.New(in.Error)
			}
			return in.State == "available" && in.Source == "", nil
		})
		return fmt.Sprintf("%s is a standalone writer after %.0f s", id, waited.Seconds()), err
	})
}

// waitFor polls done until true, an error, or the timeout.
func (r *run) waitFor(ctx context.Context, done func() (bool, error)) (time.Duration, error) {
	t := time.Now()
	deadline := t.Add(r.opts.Timeout)
	for {
		ok, err := done()
		if ok || err != nil {
			return time.Since(t), err
		}
		if time.Now().After(deadline) {
			return time.Since(t), fmt.Errorf("not done after %s", r.opts.Timeout)
		}
		select {
		case <-ctx.Done():
			return time.Since(t), ctx.Err()
		case <-time.After(r.opts.Poll):
		}
	}
}

// preferDNS makes Route 53 answer with role's record: the other record's
// health check is inverted (a healthy region then counts as unhealthy), and
// role's own check is set back to normal. Health checks change through
// Route 53's API, not the failed region's.
func (r *run) preferDNS(ctx context.Context, role string) error {
	if !r.env.Edge() {
		r.note("dns", "", StepSkipped, "no dns.domain in the config", 0)
		return nil
	}
	t := time.Now()
	d, err := r.dns(ctx)
	if err != nil {
		r.note("dns", "", StepFailed, err.Error(), time.Since(t))
		r.rep.Result, r.rep.Reason = "failed", "dns: "+err.Error()
		return err
	}
	other := config.OtherRole(role)
	plan := fmt.Sprintf("health check of %s (%s) inverted, of %s (%s) not inverted", other, d.Roles[other].HealthCheckID, role, d.Roles[role].HealthCheckID)
	return r.step("dns", "", plan, func() (string, error) {
		for _, c := range []struct {
			role     string
			inverted bool
		}{{other, true}, {role, false}} {
			if d.Roles[c.role].Inverted == c.inverted {
				continue
			}
			if _, err := r.aws.dns.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{
				HealthCheckId: aws.String(d.Roles[c.role].HealthCheckID), Inverted: aws.Bool(c.inverted),
			}); err != nil {
				return "", err
			}
		}
		after, err := r.dns(ctx)
		if err != nil {
			return "", err
		}
		if got := serving(after); got != role {
			return "", fmt.Errorf("route 53 still answers with %s", got)
		}
		return plan + fmt.Sprintf("; %s answers with %s", after.Record, role), nil
	})
}

// scale sets role's service to count tasks. required: a failure fails
// the operation; otherwise it is reported and the operation goes on (the
// region may be the one that is down).
func (r *run) scale(ctx context.Context, role string, count int32, required bool) error {
	region := r.region(role)
	s := r.service(ctx, role)
	name := "scale-" + role
	if s.Error != "" && !required {
		r.note(name, region, StepSkipped, fmt.Sprintf("%s/%s does not answer (%s): scale it to %d when its region is back", s.Cluster, s.Name, s.Error, count), 0)
		return nil
	}
	err := r.step(name, region, fmt.Sprintf("%s/%s desired %d -> %d", s.Cluster, s.Name, s.Desired, count), func() (string, error) {
		if s.Error != "" {
			return "", errors.New(s.Error)
		}
		_, err := r.aws.ecs[region].UpdateService(ctx, &ecs.UpdateServiceInput{
			Cluster: aws.String(s.Cluster), Service: aws.String(s.Name), DesiredCount: aws.Int32(count),
		})
		return fmt.Sprintf("%s/%s desired %d -> %d", s.Cluster, s.Name, s.Desired, count), err
	})
	if err != nil && !required {
		r.rep.Result, r.rep.Reason = "ok", "" // reported in its step; the operation goes on
		return nil
	}
	return err
}

// writeConfig records the database's roles in the environment file.
func (r *run) writeConfig(writer, state string) error {
	plan := fmt.Sprintf("%s: database.writer %s, database.replica.state %s", r.opts.File, writer, state)
	return r.step("write-config", "", plan, func() (string, error) {
		env, err := rewriteConfig(r.opts.File, databaseRoles(writer, state))
		if err != nil {
			return "", err
		}
		r.env = env
		return plan, nil
	})
}

// releaseFrom makes role's pipeline the one a push starts: its trigger
// rule on (the standby pipeline's, in the secondary region), the other's
// off where its region answers. The config written next keeps it so.
func (r *run) releaseFrom(ctx context.Context, role string) error {
	if !r.env.StandbyPipeline() {
		r.note("pipelines", "", StepSkipped, "no standby pipeline in the config (pipeline.standby)", 0)
		return nil
	}
	region, other := r.region(role), config.OtherRole(role)
	on, off := r.env.PipelineTriggerRule(role), r.env.PipelineTriggerRule(other)
	if err := r.step("enable-"+role+"-pipeline", region, "enable-rule "+on, func() (string, error) {
		_, err := r.aws.events[region].EnableRule(ctx, &eventbridge.EnableRuleInput{Name: aws.String(on)})
		return on + " enabled: a push starts " + r.env.PipelineName(role), err
	}); err != nil {
		return err
	}
	t := time.Now()
	otherRegion := r.region(other)
	if !r.opts.Execute {
		r.note("disable-"+other+"-pipeline", otherRegion, StepPlanned, "disable-rule "+off+" (where its region answers)", 0)
		return nil
	}
	if _, err := r.aws.events[otherRegion].DisableRule(ctx, &eventbridge.DisableRuleInput{Name: aws.String(off)}); err != nil {
		r.note("disable-"+other+"-pipeline", otherRegion, StepSkipped, fmt.Sprintf("%s does not answer (%v): the next deploy of %s disables it", off, err, r.env.StackName(config.RoleGlobal)), time.Since(t))
		return nil
	}
	r.note("disable-"+other+"-pipeline", otherRegion, StepDone, off+" disabled", time.Since(t))
	return nil
}
