"""Seeds the standard test account: every kind driftwatch snapshots, in two
regions, with the shapes the snapshot must normalize (IPv4/IPv6/group rule
sources, URL-encoded IAM documents, alias records). Prints what it made."""
from common import account_id, client, doc, emit, first_subnet_vpc

acct = account_id()
made = {"account": acct, "instances": {}, "security_groups": {}}

for region in ("us-east-1", "eu-west-1"):
    ec2 = client("ec2", region)
    vpc = first_subnet_vpc(ec2)
    web = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=vpc)["GroupId"]
    app = ec2.create_security_group(GroupName="app", Description="app tier", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=web,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}],
             "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        ],
    )
    ec2.authorize_security_group_ingress(
        GroupId=app,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                        "UserIdGroupPairs": [{"GroupId": web}]}],
    )
    inst = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
        SecurityGroupIds=[web],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": f"web-{region}"}]}],
    )["Instances"][0]["InstanceId"]
    made["instances"][region] = inst
    made["security_groups"][region] = {"web": web, "app": app}
    if region == "us-east-1":
        alloc = ec2.allocate_address(Domain="vpc")
        ec2.associate_address(AllocationId=alloc["AllocationId"], InstanceId=inst)
        made["eip"] = {"allocation": alloc["AllocationId"], "ip": alloc["PublicIp"]}

s3 = client("s3")
s3.create_bucket(Bucket=f"dw-{acct}-logs")
s3.put_public_access_block(
    Bucket=f"dw-{acct}-logs",
    PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                    "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
s3.create_bucket(Bucket=f"dw-{acct}-site", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
s3.put_bucket_policy(Bucket=f"dw-{acct}-site", Policy=doc({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                   "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::dw-{acct}-site/*"}]}))
s3.put_bucket_website(Bucket=f"dw-{acct}-site",
                      WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
s3.create_bucket(Bucket=f"dw-{acct}-shared")
s3.put_bucket_acl(Bucket=f"dw-{acct}-shared", ACL="public-read")
made["buckets"] = [f"dw-{acct}-logs", f"dw-{acct}-shared", f"dw-{acct}-site"]

iam = client("iam")
iam.create_group(GroupName="admins")
iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "sec"}])
iam.create_user(UserName="bob")
iam.add_user_to_group(GroupName="admins", UserName="alice")
iam.create_login_profile(UserName="alice", Password="Sup3r-s3cret-pw!")
mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-mfa")["VirtualMFADevice"]["SerialNumber"]
iam.enable_mfa_device(UserName="alice", SerialNumber=mfa, AuthenticationCode1="123456", AuthenticationCode2="654321")
key = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
pol = iam.create_policy(PolicyName="read-logs", PolicyDocument=doc({
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"],
                  "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]}}))["Policy"]["Arn"]
iam.attach_group_policy(GroupName="admins", PolicyArn=pol)
iam.put_user_policy(UserName="bob", PolicyName="ec2-read", PolicyDocument=doc({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}))
iam.create_role(RoleName="deploy", AssumeRolePolicyDocument=doc({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
iam.attach_role_policy(RoleName="deploy", PolicyArn=pol)
iam.put_role_policy(RoleName="deploy", PolicyName="inline-admin", PolicyDocument=doc({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
made["access_key"] = key
made["policy_arn"] = pol
made["mfa"] = mfa

r53 = client("route53")
pub = r53.create_hosted_zone(Name="example.com", CallerReference="pub-1")["HostedZone"]["Id"].split("/")[-1]
vpc = first_subnet_vpc(client("ec2"))
priv = r53.create_hosted_zone(Name="corp.internal", CallerReference="priv-1",
                              VPC={"VPCRegion": "us-east-1", "VPCId": vpc},
                              HostedZoneConfig={"PrivateZone": True, "Comment": "internal"})["HostedZone"]["Id"].split("/")[-1]
r53.change_resource_record_sets(HostedZoneId=pub, ChangeBatch={"Changes": [
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.example.com", "Type": "A", "TTL": 300,
                                               "ResourceRecords": [{"Value": made["eip"]["ip"]}]}},
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "blog.example.com", "Type": "CNAME", "TTL": 300,
                                               "ResourceRecords": [{"Value": "blog.example.net"}]}},
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "static.example.com", "Type": "A",
                                               "AliasTarget": {"HostedZoneId": "Z3AQBSTGFYJSTF",
                                                               "DNSName": "s3-website-us-east-1.amazonaws.com",
                                                               "EvaluateTargetHealth": False}}},
]})
r53.change_resource_record_sets(HostedZoneId=priv, ChangeBatch={"Changes": [
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "db.corp.internal", "Type": "A", "TTL": 60,
                                               "ResourceRecords": [{"Value": "10.0.1.5"}]}},
]})
made["zones"] = {"public": pub, "private": priv, "vpc": vpc}
emit(made)
