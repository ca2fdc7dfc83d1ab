"""Seeds a large account for the snapshot benchmark: 500 instances and 300
security groups over two regions, 200 buckets (each with a policy), 300 IAM
roles, 10 users with keys, and 2,000 DNS records in 4 zones."""
import json

from common import client, doc, emit, first_subnet_vpc

for region, n_inst, n_sg in (("us-east-1", 300, 180), ("eu-west-1", 200, 120)):
    ec2 = client("ec2", region)
    vpc = first_subnet_vpc(ec2)
    groups = []
    for i in range(n_sg):
        g = ec2.create_security_group(GroupName=f"g{i}", Description="bench", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "192.168.0.0/16"}]},
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}])
        groups.append(g)
    for i in range(0, n_inst, 50):
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=50, MaxCount=50, InstanceType="t3.micro",
                          SecurityGroupIds=[groups[i % len(groups)]], MetadataOptions={"HttpTokens": "required"})

s3 = client("s3")
for i in range(200):
    b = f"bench-{i:04d}"
    s3.create_bucket(Bucket=b)
    s3.put_bucket_policy(Bucket=b, Policy=doc({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::333344445555:root"}, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/*"}]}))

iam = client("iam")
trust = doc({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
for i in range(300):
    iam.create_role(RoleName=f"role-{i:03d}", AssumeRolePolicyDocument=trust)
    iam.put_role_policy(RoleName=f"role-{i:03d}", PolicyName="p", PolicyDocument=doc(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}))
for i in range(10):
    iam.create_user(UserName=f"user-{i}")
    iam.create_access_key(UserName=f"user-{i}")

r53 = client("route53")
for z in range(4):
    zid = r53.create_hosted_zone(Name=f"zone{z}.example.com", CallerReference=f"z{z}")["HostedZone"]["Id"].split("/")[-1]
    for start in range(0, 500, 100):
        r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
            {"Action": "CREATE", "ResourceRecordSet": {"Name": f"h{i}.zone{z}.example.com", "Type": "A", "TTL": 300,
                                                       "ResourceRecords": [{"Value": f"10.{z}.{i // 250}.{i % 250}"}]}}
            for i in range(start, start + 100)]})
emit({"instances": 500, "security_groups": 300, "buckets": 200, "roles": 300, "records": 2000})
