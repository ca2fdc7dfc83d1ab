"""Plants the logging and detection layer in us-east-1 and eu-west-1, with one
instance of each visibility problem next to a look-alike that is fine. Prints
the resources made and the exact visibility findings a check run over both
regions must report, as [check, resource id] pairs."""
import json

from common import account_id, client, emit

acct = account_id()
E, W = "us-east-1", "eu-west-1"
s3 = client("s3", E)
good, short = f"trail-good-{acct}", f"trail-short-{acct}"
for b in (good, short):
    s3.create_bucket(Bucket=b)
s3.put_bucket_versioning(Bucket=good, VersioningConfiguration={"Status": "Enabled"})


def expire(bucket, days, prefix=""):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": f"expire-{days}", "Status": "Enabled", "Filter": {"Prefix": prefix},
         "Expiration": {"Days": days}}]})


expire(good, 400)
expire(short, 30)
s3.put_bucket_acl(Bucket=good, ACL="log-delivery-write")
s3.put_bucket_logging(Bucket=short, BucketLoggingStatus={
    "LoggingEnabled": {"TargetBucket": good, "TargetPrefix": "access/"}})
key = client("kms", E).create_key()["KeyMetadata"]["Arn"]

ct = client("cloudtrail", E)
ct.create_trail(Name="main", S3BucketName=good, EnableLogFileValidation=True, KmsKeyId=key)
ct.start_logging(Name="main")
# Stopped, unvalidated, unencrypted, to a bucket that expires logs after 30
# days and keeps no versions: next to "main", which logs the region.
ct.create_trail(Name="short", S3BucketName=short)
ctw = client("cloudtrail", W)
ctw.create_trail(Name="eu-trail", S3BucketName=good, EnableLogFileValidation=True, KmsKeyId=key)
ctw.start_logging(Name="eu-trail")
# Logging, but its selectors keep reads only: no record of writes in eu-west-1.
ctw.put_event_selectors(TrailName="eu-trail", EventSelectors=[
    {"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}])

detector = client("guardduty", E).create_detector(Enable=True)["DetectorId"]

role = f"arn:aws:iam::{acct}:role/config-recorder"
for region, start in ((E, True), (W, False)):
    cfg = client("config", region)
    cfg.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": role,
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == E}})
    cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": good})
    if start:
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")

ec2 = client("ec2", E)
default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
flow = ec2.create_flow_logs(ResourceIds=[default_vpc], ResourceType="VPC", TrafficType="ALL",
                            LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{good}")["FlowLogIds"][0]
bare = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
ec2w = client("ec2", W)
eu_vpcs = [v["VpcId"] for v in ec2w.describe_vpcs()["Vpcs"]]

# DNS queries of the default VPC are logged; the bare VPC's are not.
r53r = client("route53resolver", E)
qlc = r53r.create_resolver_query_log_config(Name="all", DestinationArn=f"arn:aws:s3:::{good}",
                                            CreatorRequestId="seed")["ResolverQueryLogConfig"]["Id"]
r53r.associate_resolver_query_log_config(ResolverQueryLogConfigId=qlc, ResourceId=default_vpc)

client("securityhub", E).enable_security_hub()


def distribution(ref, logging):
    cfg = {"CallerReference": ref, "Comment": ref, "Enabled": True,
           "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": f"{good}.s3.amazonaws.com",
                                                 "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
           "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https",
                                    "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}}}}
    if logging:
        cfg["Logging"] = {"Enabled": True, "IncludeCookies": False, "Bucket": f"{good}.s3.amazonaws.com",
                          "Prefix": "cf/"}
    return client("cloudfront", E).create_distribution(DistributionConfig=cfg)["Distribution"]["Id"]


cf_logged, cf_bare = distribution("logged", True), distribution("bare", False)

subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default_vpc]}])["Subnets"]][:2]
elb = client("elbv2", E)


def lb(name, scheme):
    return elb.create_load_balancer(Name=name, Subnets=subnets, Scheme=scheme, Type="application")["LoadBalancers"][0]


lb("web", "internet-facing")
logged = lb("web-logged", "internet-facing")["LoadBalancerArn"]
elb.modify_load_balancer_attributes(LoadBalancerArn=logged, Attributes=[
    {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": good}])
lb("internal", "internal")

expect = [
    ["TRAIL001", f"account.region/global/{W}"],
    ["TRAIL002", f"cloudtrail.trail/{E}/short"],
    ["TRAIL004", f"cloudtrail.trail/{E}/short"],
    ["TRAIL005", f"cloudtrail.trail/{E}/short"],
    ["TRAIL006", f"cloudtrail.trail/{E}/short"],
    # The short trail's bucket is not versioned (moto_plus answers
    # GetBucketVersioning as AWS does; moto alone names the root wrongly).
    ["TRAIL007", f"cloudtrail.trail/{E}/short"],
    ["GD001", f"account.region/global/{W}"],
    ["CFG001", f"account.region/global/{W}"],
    ["VPC001", f"ec2.vpc/{E}/{bare}"],
    ["VPC002", f"ec2.vpc/{E}/{bare}"],
    ["SH001", f"account.region/global/{W}"],
    ["CF001", f"cloudfront.distribution/global/{cf_bare}"],
    ["ELB001", f"elbv2.load_balancer/{E}/web"],
] + [[c, f"ec2.vpc/{W}/{v}"] for v in eu_vpcs for c in ("VPC001", "VPC002")]
emit({"account": acct, "good": good, "short": short, "key": key, "detector": detector,
      "flow_log": flow, "default_vpc": default_vpc, "bare_vpc": bare, "query_log_config": qlc, "cf_logged": cf_logged,
      "cf_bare": cf_bare, "expect": sorted(expect)})
