"""moto_server with the harness's patches.

Each patch restores one AWS API shape that moto lacks, is named after it,
and carries a probe: a scenario run through moto in-process that shows the
wrong shape without the patch and the AWS shape with it.

    python3 launcher.py serve -H 127.0.0.1 -p 4566   # patch, then moto_server
    python3 launcher.py check                        # per patch: still needed? still applies?

`check` prints one JSON object per line, {"patch", "needed", "applies"}, and
exits 1 when a patch is no longer needed (moto fixed it: drop the patch) or
no longer applies (moto changed under it: fix the patch).
"""

import json
import sys

PATCHES = []


def patch(name, restores):
    """Registers a patch: name, the AWS API shape it restores, and its probe."""

    def register(apply):
        PATCHES.append({"name": name, "restores": restores, "apply": apply, "probe": None})
        return apply

    return register


def probe(fn):
    """Registers the probe of the last patch: returns True when moto answers
    in the AWS shape."""
    PATCHES[-1]["probe"] = fn
    return fn


def _tagging(response, arn_param, tags_param, keys_param, out_key, shape="map", **names):
    """Gives a moto response class AWS's three tagging calls on a tag store
    of its own, and returns the store and the function that turns a
    request's tags into the store's list. shape is how the service's API
    carries tags: "map" ({key: value}) or "list" ([{Key, Value}]); names
    are the store's tag_name, key_name and value_name where the service
    spells them differently."""
    from moto.utilities.tagging_service import TaggingService

    tags = TaggingService(**names)

    def as_list(given):
        if shape == "list":
            return given or []
        return [{tags.key_name: k, tags.value_name: v} for k, v in (given or {}).items()]

    def list_tags_for_resource(self):
        arn = self._get_param(arn_param)
        if shape == "list":
            found = tags.list_tags_for_resource(arn)[tags.tag_name]
        else:
            found = tags.get_tag_dict_for_resource(arn)
        return json.dumps({out_key: found})

    def tag_resource(self):
        tags.tag_resource(self._get_param(arn_param), as_list(self._get_param(tags_param)))
        return "{}"

    def untag_resource(self):
        tags.untag_resource_using_names(self._get_param(arn_param), self._get_param(keys_param))
        return "{}"

    response.list_tags_for_resource = list_tags_for_resource
    response.tag_resource = tag_resource
    response.untag_resource = untag_resource
    return tags, as_list


@patch(
    "rds-promote-read-replica-detaches",
    "PromoteReadReplica: the promoted instance has no ReadReplicaSourceDBInstanceIdentifier, "
    "and its former source no longer lists it in ReadReplicaDBInstanceIdentifiers",
)
def _promote_detaches():
    from moto.rds.models import RDSBackend

    original = RDSBackend.promote_read_replica

    def promote_read_replica(self, db_kwargs):
        database = self.describe_db_instances(db_kwargs["db_instance_identifier"])[0]
        source_id = database.source_db_instance_identifier if database.is_replica else None
        database = original(self, db_kwargs)
        if source_id:
            database.source_db_instance_identifier = None
            try:
                source = self.find_db_from_id(source_id)
            except Exception:  # the source is gone: nothing lists the replica
                source = None
            if source is not None:
                _unlist_replica(source, database)
        return database

    RDSBackend.promote_read_replica = promote_read_replica


def _unlist_replica(source, replica):
    """Removes replica from source's replicas, where moto lists a cross-region
    replica by ARN and a local one by identifier."""
    for ref in (replica.db_instance_arn, replica.db_instance_identifier):
        if ref in source.replicas:
            source.replicas.remove(ref)


def _replica_pair():
    """Inside mock_aws: RDS clients of us-east-1 and us-west-2, with a writer
    probe-src in the first and its cross-region read replica probe-replica in
    the second."""
    import boto3

    east = boto3.client("rds", region_name="us-east-1")
    west = boto3.client("rds", region_name="us-west-2")
    src = east.create_db_instance(
        DBInstanceIdentifier="probe-src", Engine="postgres", DBInstanceClass="db.t3.micro",
        MasterUsername="probe", MasterUserPassword="probe-password", AllocatedStorage=20,
        BackupRetentionPeriod=1,
    )["DBInstance"]
    west.create_db_instance_read_replica(
        DBInstanceIdentifier="probe-replica", SourceDBInstanceIdentifier=src["DBInstanceArn"],
        DBInstanceClass="db.t3.micro",
    )
    return east, west


@probe
def _promote_probe():
    from moto import mock_aws

    with mock_aws():
        east, west = _replica_pair()
        west.promote_read_replica(DBInstanceIdentifier="probe-replica")
        replica = west.describe_db_instances(DBInstanceIdentifier="probe-replica")["DBInstances"][0]
        source = east.describe_db_instances(DBInstanceIdentifier="probe-src")["DBInstances"][0]
        return "ReadReplicaSourceDBInstanceIdentifier" not in replica and not source.get("ReadReplicaDBInstanceIdentifiers")


@patch(
    "rds-delete-cross-region-replica",
    "DeleteDBInstance of a cross-region read replica: deleted, and its source no longer lists it "
    "in ReadReplicaDBInstanceIdentifiers (moto lists it by ARN, then removes it by identifier and fails)",
)
def _delete_cross_region_replica():
    from moto.rds.models import DBInstance

    DBInstance.remove_replica = _unlist_replica


@probe
def _delete_cross_region_replica_probe():
    from moto import mock_aws

    with mock_aws():
        east, west = _replica_pair()
        try:
            west.delete_db_instance(DBInstanceIdentifier="probe-replica", SkipFinalSnapshot=True)
        except Exception:
            return False
        source = east.describe_db_instances(DBInstanceIdentifier="probe-src")["DBInstances"][0]
        return not source.get("ReadReplicaDBInstanceIdentifiers")


@patch(
    "rds-unique-dbi-resource-id",
    "DbiResourceId: unique per DB instance, a read replica's its own (moto gives every instance "
    "the same constant, and a replica a copy of its source's)",
)
def _unique_dbi_resource_id():
    import random
    import string

    from moto.rds.models import DBInstance, RDSBackend

    def new_id():
        return "db-" + "".join(random.choices(string.ascii_uppercase + string.digits, k=26))

    original_init = DBInstance.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.dbi_resource_id = new_id()

    DBInstance.__init__ = __init__
    original_replica = RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self, db_kwargs):
        replica = original_replica(self, db_kwargs)
        replica.dbi_resource_id = new_id()
        return replica

    RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica


@probe
def _unique_dbi_resource_id_probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        east = boto3.client("rds", region_name="us-east-1")
        west = boto3.client("rds", region_name="us-west-2")
        ids = set()
        for name in ("probe-a", "probe-b"):
            db = east.create_db_instance(
                DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro",
                MasterUsername="probe", MasterUserPassword="probe-password", AllocatedStorage=20,
                BackupRetentionPeriod=1,
            )["DBInstance"]
            ids.add(db["DbiResourceId"])
        replica = west.create_db_instance_read_replica(
            DBInstanceIdentifier="probe-replica", SourceDBInstanceIdentifier=db["DBInstanceArn"],
            DBInstanceClass="db.t3.micro",
        )["DBInstance"]
        ids.add(replica["DbiResourceId"])
        return len(ids) == 3


@patch(
    "codebuild-pipeline-project-without-location",
    "CreateProject with source and artifacts of type CODEPIPELINE and no location: created "
    "(the pipeline hands the build its input and takes its output; moto demands a location)",
)
def _codebuild_pipeline_without_location():
    from moto.codebuild import responses

    validate_source = responses._validate_required_params_source
    validate_artifacts = responses._validate_required_params_artifacts

    def source(source):
        if source.get("type") in ("CODEPIPELINE", "NO_SOURCE") and not source.get("location"):
            return
        validate_source(source)

    def artifacts(artifacts):
        if artifacts.get("type") == "CODEPIPELINE" and not artifacts.get("location"):
            return
        validate_artifacts(artifacts)

    responses._validate_required_params_source = source
    responses._validate_required_params_artifacts = artifacts


def _codebuild_project(client, name, **source):
    """Creates CodeBuild project name: a CODEPIPELINE project unless source
    names another source (then without artifacts)."""
    artifacts = {"type": "CODEPIPELINE"} if not source else {"type": "NO_ARTIFACTS"}
    return client.create_project(
        name=name, source=source or {"type": "CODEPIPELINE"}, artifacts=artifacts,
        environment={"type": "LINUX_CONTAINER", "image": "probe", "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole="arn:aws:iam::123456789012:role/probe",
    )["project"]


@probe
def _codebuild_pipeline_without_location_probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("codebuild", region_name="us-east-1")
        try:
            _codebuild_project(client, "probe")
        except Exception:
            return False
        return len(client.batch_get_projects(names=["probe"])["projects"]) == 1


@patch(
    "codebuild-delete-project-by-arn",
    "DeleteProject named by its ARN (as the AWS provider deletes): the project is gone "
    "(moto looks the ARN up as a name and keeps the project)",
)
def _codebuild_delete_by_arn():
    from moto.codebuild.models import CodeBuildBackend

    original = CodeBuildBackend.delete_project

    def delete_project(self, project_name):
        for name, project in list(self.codebuild_projects.items()):
            if project.arn == project_name:
                project_name = name
        original(self, project_name)

    CodeBuildBackend.delete_project = delete_project


@probe
def _codebuild_delete_by_arn_probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("codebuild", region_name="us-east-1")
        project = _codebuild_project(client, "probe", type="S3", location="probe-bucket/source.zip")
        client.delete_project(name=project["arn"])
        return client.list_projects()["projects"] == []


def _epoch(value):
    """A timestamp as the JSON protocols carry it: seconds since the epoch."""
    from datetime import datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.timestamp()


@patch(
    "codepipeline-epoch-timestamps",
    "GetPipeline and ListPipelines: metadata.created and metadata.updated as epoch seconds "
    "(moto answers ISO strings, which the AWS SDKs' JSON protocol cannot decode)",
)
def _codepipeline_epoch_timestamps():
    from moto.codepipeline.models import CodePipeline

    original = CodePipeline.metadata.fget

    def metadata(self):
        out = dict(original(self))
        out["created"], out["updated"] = _epoch(self._created), _epoch(self._updated)
        return out

    CodePipeline.metadata = property(metadata)


@probe
def _codepipeline_epoch_timestamps_probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        role = boto3.client("iam", region_name="us-east-1").create_role(RoleName="probe", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
        client = boto3.client("codepipeline", region_name="us-east-1")
        stage = lambda name, provider: {"name": name, "actions": [{  # noqa: E731
            "name": name, "actionTypeId": {"category": name, "owner": "AWS", "provider": provider, "version": "1"},
            "configuration": {}, "outputArtifacts": [{"name": "out"}] if name == "Source" else [],
            "inputArtifacts": [] if name == "Source" else [{"name": "out"}]}]}
        client.create_pipeline(pipeline={
            "name": "probe", "roleArn": role["Role"]["Arn"],
            "artifactStore": {"type": "S3", "location": "probe"},
            "stages": [stage("Source", "S3"), stage("Build", "CodeBuild")],
        })
        # boto3 decodes either form: ask the wire.
        return _wire_is_epoch(client, "get_pipeline", {"name": "probe"}, ("metadata", "created"))


def _wire_is_epoch(client, operation, params, path):
    """Whether moto's raw JSON answer to operation carries a number at path."""
    captured = {}

    def keep(http_response, **_):
        captured["body"] = http_response.content

    event = f"after-call.{client.meta.service_model.service_id.hyphenize()}.{client.meta.method_to_api_mapping[operation]}"
    client.meta.events.register(event, lambda **kw: keep(kw["http_response"]))
    getattr(client, operation)(**params)
    value = json.loads(captured["body"])
    for key in path:
        value = value[key]
    return isinstance(value, (int, float))


@patch(
    "codecommit-repository-metadata",
    "CreateRepository and GetRepository: creationDate and lastModifiedDate as epoch seconds, the "
    "kmsKeyId given at creation; ListTagsForResource, TagResource and UntagResource of a repository "
    "(moto answers ISO strings, drops the key and has no tagging)",
)
def _codecommit_repository_metadata():
    from moto.codecommit import models, responses

    tags, as_list = _tagging(responses.CodeCommitResponse, "resourceArn", "tags", "tagKeys", "tags",
                             tag_name="tags", key_name="key", value_name="value")
    original_init = models.CodeCommit.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        meta = self.repository_metadata
        meta["creationDate"] = meta["lastModifiedDate"] = _epoch(meta["creationDate"])

    models.CodeCommit.__init__ = __init__
    create = responses.CodeCommitResponse.create_repository

    def create_repository(self):
        out = create(self)
        name = self._get_param("repositoryName")
        meta = self.codecommit_backend.repositories[name].repository_metadata
        if self._get_param("kmsKeyId"):
            meta["kmsKeyId"] = self._get_param("kmsKeyId")
        tags.tag_resource(meta["Arn"], as_list(self._get_param("tags")))
        return json.dumps({"repositoryMetadata": meta})

    responses.CodeCommitResponse.create_repository = create_repository


@probe
def _codecommit_repository_metadata_probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("codecommit", region_name="us-east-1")
        try:
            repo = client.create_repository(repositoryName="probe", kmsKeyId="arn:aws:kms:us-east-1:123456789012:key/probe", tags={"Name": "probe"})
            meta = client.get_repository(repositoryName="probe")["repositoryMetadata"]
            tagged = client.list_tags_for_resource(resourceArn=repo["repositoryMetadata"]["Arn"])["tags"] == {"Name": "probe"}
        except Exception:
            return False
        epoch = _wire_is_epoch(client, "get_repository", {"repositoryName": "probe"}, ("repositoryMetadata", "creationDate"))
        return epoch and tagged and meta.get("kmsKeyId", "").endswith("key/probe")


@patch(
    "cloudwatch-put-composite-alarm",
    "PutCompositeAlarm: creates the composite alarm that DescribeAlarms lists under CompositeAlarms "
    "(moto has no PutCompositeAlarm)",
)
def _cloudwatch_put_composite_alarm():
    from moto.cloudwatch.responses import CloudWatchResponse

    # moto's PutMetricAlarm already keeps an AlarmRule as a composite alarm.
    CloudWatchResponse.put_composite_alarm = CloudWatchResponse.put_metric_alarm


@probe
def _cloudwatch_put_composite_alarm_probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("cloudwatch", region_name="us-east-1")
        try:
            client.put_composite_alarm(AlarmName="probe", AlarmRule='ALARM("a")', Tags=[{"Key": "Name", "Value": "probe"}])
        except Exception:
            return False
        alarms = client.describe_alarms(AlarmNames=["probe"], AlarmTypes=["CompositeAlarm"])["CompositeAlarms"]
        return len(alarms) == 1 and alarms[0].get("AlarmRule") == 'ALARM("a")'


@patch(
    "cloudfront-origin-group-target",
    "CreateDistribution and UpdateDistribution with a cache behaviour whose TargetOriginId is an "
    "origin group: accepted (moto admits only origins as targets)",
)
def _cloudfront_origin_group_target():
    from moto.cloudfront.models import DistributionConfig

    original = DistributionConfig.__init__

    def __init__(self, config):
        groups = (config.get("OriginGroups") or {}).get("Items") or []
        if isinstance(groups, dict):
            groups = groups.get("OriginGroup") or []
        if isinstance(groups, dict):
            groups = [groups]
        behaviour = config.get("DefaultCacheBehavior") or {}
        target = behaviour.get("TargetOriginId")
        origins = (config.get("Origins") or {}).get("Items") or []
        if target in {g.get("Id") for g in groups} and origins:
            first = origins[0]
            behaviour["TargetOriginId"] = first.get("Id") if isinstance(first, dict) else first.id
            original(self, config)
            self.DefaultCacheBehavior.target_origin_id = target
            return
        original(self, config)

    DistributionConfig.__init__ = __init__


@probe
def _cloudfront_origin_group_target_probe():
    import boto3
    from moto import mock_aws

    origin = lambda id: {"Id": id, "DomainName": id + ".example.com", "CustomOriginConfig": {  # noqa: E731
        "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}
    with mock_aws():
        client = boto3.client("cloudfront", region_name="us-east-1")
        try:
            dist = client.create_distribution(DistributionConfig={
                "CallerReference": "probe", "Comment": "", "Enabled": True,
                "Origins": {"Quantity": 2, "Items": [origin("a"), origin("b")]},
                "OriginGroups": {"Quantity": 1, "Items": [{
                    "Id": "group", "FailoverCriteria": {"StatusCodes": {"Quantity": 1, "Items": [503]}},
                    "Members": {"Quantity": 2, "Items": [{"OriginId": "a"}, {"OriginId": "b"}]}}]},
                "DefaultCacheBehavior": {"TargetOriginId": "group", "ViewerProtocolPolicy": "https-only",
                                         "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"},
            })["Distribution"]
        except Exception:
            return False
        config = client.get_distribution_config(Id=dist["Id"])["DistributionConfig"]
        return config["DefaultCacheBehavior"]["TargetOriginId"] == "group" and config["OriginGroups"]["Quantity"] == 1


@patch(
    "application-autoscaling-tags",
    "RegisterScalableTarget with Tags, and ListTagsForResource, TagResource, UntagResource of a "
    "scalable target's ARN (moto has no tagging for Application Auto Scaling)",
)
def _application_autoscaling_tags():
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    tags, as_list = _tagging(ApplicationAutoScalingResponse, "ResourceARN", "Tags", "TagKeys", "Tags")
    register = ApplicationAutoScalingResponse.register_scalable_target

    def register_scalable_target(self):
        out = register(self)
        tags.tag_resource(json.loads(out)["ScalableTargetARN"], as_list(self._get_param("Tags")))
        return out

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target


@probe
def _application_autoscaling_tags_probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        ecs = boto3.client("ecs", region_name="us-east-1")
        ecs.create_cluster(clusterName="probe")
        ecs.register_task_definition(family="probe", containerDefinitions=[{"name": "probe", "image": "probe", "memory": 512}])
        ecs.create_service(cluster="probe", serviceName="probe", taskDefinition="probe", desiredCount=1)
        client = boto3.client("application-autoscaling", region_name="us-east-1")
        try:
            arn = client.register_scalable_target(
                ServiceNamespace="ecs", ResourceId="service/probe/probe", ScalableDimension="ecs:service:DesiredCount",
                MinCapacity=1, MaxCapacity=2, Tags={"Name": "probe"},
            )["ScalableTargetARN"]
            return client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Name": "probe"}
        except Exception:
            return False


@patch(
    "budgets-tags-and-subscribers",
    "CreateBudget with ResourceTags, ListTagsForResource, TagResource, UntagResource of a budget's ARN, "
    "and DescribeSubscribersForNotification (moto has neither)",
)
def _budgets_tags_and_subscribers():
    from moto.budgets.responses import BudgetsResponse

    tags, as_list = _tagging(BudgetsResponse, "ResourceARN", "ResourceTags", "ResourceTagKeys", "ResourceTags", shape="list")
    create = BudgetsResponse.create_budget

    def arn(account, name):
        return f"arn:aws:budgets::{account}:budget/{name}"

    def create_budget(self):
        out = create(self)
        budget = self._get_param("Budget")
        tags.tag_resource(arn(self._get_param("AccountId"), budget["BudgetName"]), as_list(self._get_param("ResourceTags")))
        return out

    def describe_subscribers_for_notification(self):
        wanted = self._get_param("Notification")
        budget = self.backend.budgets[self._get_param("AccountId")][self._get_param("BudgetName")]
        for n in budget.notifications:
            if all(n.details.get(k) == v for k, v in wanted.items() if k in ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType")):
                return json.dumps({"Subscribers": n.subscribers})
        return json.dumps({"Subscribers": []})

    BudgetsResponse.create_budget = create_budget
    BudgetsResponse.describe_subscribers_for_notification = describe_subscribers_for_notification


@probe
def _budgets_tags_and_subscribers_probe():
    import boto3
    from moto import mock_aws

    account = "123456789012"
    notification = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0, "ThresholdType": "PERCENTAGE"}
    subscriber = {"SubscriptionType": "EMAIL", "Address": "probe@example.com"}
    with mock_aws():
        client = boto3.client("budgets", region_name="us-east-1")
        try:
            client.create_budget(
                AccountId=account,
                Budget={"BudgetName": "probe", "BudgetLimit": {"Amount": "10", "Unit": "USD"}, "TimeUnit": "MONTHLY", "BudgetType": "COST"},
                NotificationsWithSubscribers=[{"Notification": notification, "Subscribers": [subscriber]}],
                ResourceTags=[{"Key": "Name", "Value": "probe"}],
            )
            found = client.list_tags_for_resource(ResourceARN=f"arn:aws:budgets::{account}:budget/probe")["ResourceTags"]
            subs = client.describe_subscribers_for_notification(AccountId=account, BudgetName="probe", Notification=notification)["Subscribers"]
        except Exception:
            return False
        return found == [{"Key": "Name", "Value": "probe"}] and subs == [subscriber]


@patch(
    "cloudtrail-trail-by-arn",
    "StartLogging, StopLogging and DeleteTrail of a trail named by its ARN (as the AWS provider names "
    "it): applied to that trail (moto looks the ARN up as a name: StartLogging fails, DeleteTrail keeps it)",
)
def _cloudtrail_trail_by_arn():
    from moto.cloudtrail.models import CloudTrailBackend

    def named(method):
        def by_name_or_arn(self, name):
            for trail_name, trail in self.trails.items():
                if trail.arn == name:
                    name = trail_name
            return method(self, name)

        return by_name_or_arn

    for method in ("start_logging", "stop_logging", "delete_trail"):
        setattr(CloudTrailBackend, method, named(getattr(CloudTrailBackend, method)))


@probe
def _cloudtrail_trail_by_arn_probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="probe-trail")
        client = boto3.client("cloudtrail", region_name="us-east-1")
        arn = client.create_trail(Name="probe", S3BucketName="probe-trail")["TrailARN"]
        try:
            client.start_logging(Name=arn)
            logging = client.get_trail_status(Name=arn)["IsLogging"]
            client.delete_trail(Name=arn)
        except Exception:
            return False
        return logging and client.describe_trails()["trailList"] == []


def apply_all():
    for p in PATCHES:
        p["apply"]()


def check():
    # Probe every patch unpatched first, then patch all and probe again.
    results = {p["name"]: {"patch": p["name"], "restores": p["restores"]} for p in PATCHES}
    for p in PATCHES:
        results[p["name"]]["needed"] = not p["probe"]()
    apply_all()
    ok = True
    for p in PATCHES:
        r = results[p["name"]]
        r["applies"] = bool(p["probe"]())
        ok = ok and r["needed"] and r["applies"]
        print(json.dumps(r), flush=True)
    return 0 if ok else 1


def serve(args):
    apply_all()
    from moto.server import main

    names = ",".join(p["name"] for p in PATCHES)
    print(f"multiregion moto launcher: patches {names}", file=sys.stderr, flush=True)
    main(args)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "check":
        sys.exit(check())
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        serve(sys.argv[2:])
        sys.exit(0)
    print("usage: launcher.py serve [moto_server args] | check", file=sys.stderr)
    sys.exit(2)
