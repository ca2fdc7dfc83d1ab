"""Plants what the ledger test changes: a logging trail, a private EBS
snapshot, a Lambda function, a user who can sign in to the console, and a
stopped instance with user data. Prints their ids."""
import io
import json
import zipfile

from common import account_id, client, emit

E = "us-east-1"
acct = account_id()
s3, ct, ec2, iam, lam = (client(s, E) for s in ("s3", "cloudtrail", "ec2", "iam", "lambda"))
s3.create_bucket(Bucket="ledger-trail-logs")
ct.create_trail(Name="main", S3BucketName="ledger-trail-logs", IsMultiRegionTrail=True)
ct.start_logging(Name="main")
vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
role = iam.create_role(RoleName="ledger-fn-role", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("f.py", "def h(event, context):\n    return 1\n")
lam.create_function(FunctionName="billing", Runtime="python3.12", Role=role, Handler="f.h",
                    Code={"ZipFile": buf.getvalue()})
iam.create_user(UserName="bob")
iam.create_login_profile(UserName="bob", Password="Initial-Passw0rd!")
inst = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                         UserData="#!/bin/bash\nyum -y update\n")["Instances"][0]["InstanceId"]
ec2.stop_instances(InstanceIds=[inst])
emit({"account": acct, "snapshot": snap, "instance": inst, "function": "billing", "trail": "main"})
