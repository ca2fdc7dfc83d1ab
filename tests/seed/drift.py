"""Makes the drift the scan tests expect, on an account seeded by account.py
(whose output is passed as argv[1]): SSH opened to the world, a policy
attached to a user, a bucket policy made public, a DNS record added, an
instance launched and another terminated. Prints what it did."""
import json
import sys

from common import client, doc, emit

made = json.loads(sys.argv[1])
acct = made["account"]
ec2 = client("ec2")
web = made["security_groups"]["us-east-1"]["web"]
ec2.authorize_security_group_ingress(
    GroupId=web,
    IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
client("iam").attach_user_policy(UserName="alice", PolicyArn=made["policy_arn"])
client("s3").put_bucket_policy(Bucket=f"dw-{acct}-logs", Policy=doc({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::dw-{acct}-logs/*"}]}))
client("route53").change_resource_record_sets(HostedZoneId=made["zones"]["public"], ChangeBatch={"Changes": [
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "new.example.com", "Type": "CNAME", "TTL": 60,
                                               "ResourceRecords": [{"Value": "elsewhere.example.net"}]}}]})
new = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.nano")["Instances"][0]["InstanceId"]
gone = made["instances"]["eu-west-1"]
client("ec2", "eu-west-1").terminate_instances(InstanceIds=[gone])
emit({"launched": new, "terminated": gone})
