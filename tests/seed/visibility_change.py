"""On an account seeded by visibility.py (argv[1]: its output), weakens the
logging layer the way an intruder would: stops the main trail, turns off its
log validation, deletes the GuardDuty detector and the default VPC's flow log,
has the trail bucket expire logs after a week, stops the Config recorder and
deletes its delivery channel, deletes a VPC, disables Security Hub and turns
off a load balancer's and a distribution's access logs. Writes the CloudTrail
records AWS would have written into argv[2]/records.json."""
import json
import sys
import uuid

from common import Trail, client, emit

made = json.loads(sys.argv[1])
outdir = sys.argv[2]
acct = made["account"]
E = "us-east-1"
trail = Trail(acct)
record = trail.record

ct = client("cloudtrail", E)
arn = f"arn:aws:cloudtrail:{E}:{acct}:trail/main"
ct.stop_logging(Name="main")  # moto takes only the name; AWS takes either
record("StopLogging", "cloudtrail.amazonaws.com", {"name": arn})
ct.update_trail(Name="main", EnableLogFileValidation=False)
record("UpdateTrail", "cloudtrail.amazonaws.com", {"name": "main", "enableLogFileValidation": False},
       {"name": "main", "trailARN": arn})
client("guardduty", E).delete_detector(DetectorId=made["detector"])
record("DeleteDetector", "guardduty.amazonaws.com", {"detectorId": made["detector"]})
client("ec2", E).delete_flow_logs(FlowLogIds=[made["flow_log"]])
record("DeleteFlowLogs", "ec2.amazonaws.com",
       {"DeleteFlowLogsRequest": {"FlowLogId": {"content": made["flow_log"], "tag": 1}}},
       {"DeleteFlowLogsResponse": {"unsuccessful": "", "requestId": str(uuid.uuid4())}})
rules = {"Rules": [{"ID": "expire-7", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 7}}]}
client("s3", E).put_bucket_lifecycle_configuration(Bucket=made["good"], LifecycleConfiguration=rules)
record("PutBucketLifecycle", "s3.amazonaws.com", {"bucketName": made["good"], "LifecycleConfiguration": rules})
client("config", E).stop_configuration_recorder(ConfigurationRecorderName="default")
record("StopConfigurationRecorder", "config.amazonaws.com", {"configurationRecorderName": "default"})

client("config", E).delete_delivery_channel(DeliveryChannelName="default")
record("DeleteDeliveryChannel", "config.amazonaws.com", {"deliveryChannelName": "default"})
client("ec2", E).delete_vpc(VpcId=made["bare_vpc"])
record("DeleteVpc", "ec2.amazonaws.com", {"vpcId": made["bare_vpc"]},
       {"requestId": str(uuid.uuid4()), "_return": True})
client("securityhub", E).disable_security_hub()
record("DisableSecurityHub", "securityhub.amazonaws.com", {})
elb = client("elbv2", E)
lb = elb.describe_load_balancers(Names=["web-logged"])["LoadBalancers"][0]["LoadBalancerArn"]
elb.modify_load_balancer_attributes(LoadBalancerArn=lb, Attributes=[{"Key": "access_logs.s3.enabled", "Value": "false"}])
record("ModifyLoadBalancerAttributes", "elasticloadbalancing.amazonaws.com",
       {"loadBalancerArn": lb, "attributes": [{"key": "access_logs.s3.enabled", "value": "false"}]})
cf = client("cloudfront", E)
got = cf.get_distribution_config(Id=made["cf_logged"])
cfg = got["DistributionConfig"]
cfg["Logging"] = {"Enabled": False, "IncludeCookies": False, "Bucket": "", "Prefix": ""}
cf.update_distribution(Id=made["cf_logged"], IfMatch=got["ETag"], DistributionConfig=cfg)
record("UpdateDistribution", "cloudfront.amazonaws.com", {"id": made["cf_logged"], "ifMatch": got["ETag"]})

trail.write(outdir)
emit({"changed": [
    f"cloudtrail.trail/{E}/main",
    f"guardduty.detector/{E}/{made['detector']}",
    f"ec2.flow_log/{E}/{made['flow_log']}",
    f"s3.bucket/global/{made['good']}",
    f"config.recorder/{E}/default",
    f"config.delivery_channel/{E}/default",
    f"ec2.vpc/{E}/{made['bare_vpc']}",
    f"securityhub.hub/{E}/default",
    f"elbv2.load_balancer/{E}/web-logged",
    f"cloudfront.distribution/global/{made['cf_logged']}",
]})
