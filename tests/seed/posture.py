"""Plants one instance of each check's problem next to benign look-alikes, in
us-east-1 and the global services. Prints the exact findings a check run must
report, as [check, resource id] pairs."""
from common import account_id, client, doc, emit, first_subnet_vpc

acct = account_id()
KNOWN = "444455556666"
STRANGER = "999988887777"
expect = []
R = "us-east-1"
ec2 = client("ec2", R)
vpc = first_subnet_vpc(ec2)


def sg(name, perms):
    gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    if perms:
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=perms)
    return gid


def world(proto, lo, hi, cidr="0.0.0.0/0"):
    return {"IpProtocol": proto, "FromPort": lo, "ToPort": hi, "IpRanges": [{"CidrIp": cidr}]}


def sgid(gid):
    return f"ec2.security_group/{R}/{gid}"


default = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]},
                                                {"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"][0]["GroupId"]
expect.append(["SG006", sgid(default)])
expect.append(["SG001", sgid(sg("open-all", [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]))])
sg("internal-all", [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
ssh = sg("ssh-world", [world("tcp", 22, 22)])
expect.append(["SG002", sgid(ssh)])
https = sg("https-world", [world("tcp", 443, 443)])
sg("ssh-office", [world("tcp", 22, 22, "203.0.113.0/24")])
expect.append(["SG003", sgid(sg("rdp-world", [world("tcp", 3389, 3389)]))])
expect.append(["SG004", sgid(sg("db-world", [world("tcp", 5432, 5432)]))])
sg("db-app", [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": https}]}])
wide = sgid(sg("wide-world", [world("tcp", 1024, 65535)]))
# The range is a problem of its own, and it also opens RDP and database ports.
expect.extend([["SG005", wide], ["SG003", wide], ["SG004", wide]])
# 1,000 ports exactly: not SG005's, but it reaches 8888 (Cassandra's and
# Jupyter's), one of the sensitive ports.
expect.append(["SG004", sgid(sg("thousand-world", [world("tcp", 8000, 8999)]))])
# A prefix list that holds the internet in two halves opens the group
# that names it; an office list does not; an AWS-managed list (S3's) never.
def plist(name, cidrs):
    return ec2.create_managed_prefix_list(
        PrefixListName=name, AddressFamily="IPv4", MaxEntries=5,
        Entries=[{"Cidr": c} for c in cidrs])["PrefixList"]["PrefixListId"]
def via(proto, lo, hi, pl):
    return {"IpProtocol": proto, "FromPort": lo, "ToPort": hi, "PrefixListIds": [{"PrefixListId": pl}]}
halves = plist("everyone", ["0.0.0.0/1", "128.0.0.0/1"])
office = plist("office", ["203.0.113.0/24"])
s3_pl = next(p["PrefixListId"] for p in ec2.describe_managed_prefix_lists()["PrefixLists"]
             if p["OwnerId"] == "AWS" and p["PrefixListName"].endswith(".s3"))
listed = sgid(sg("ssh-via-list", [via("tcp", 22, 22, halves)]))
expect.extend([["SG002", listed], ["SG008", listed]])
sg("ssh-via-office-list", [via("tcp", 22, 22, office)])
sg("https-via-s3-list", [via("tcp", 443, 443, s3_pl)])

GOOD_AMI = "ami-12c6146b"
other_ami = next(i["ImageId"] for i in ec2.describe_images()["Images"] if i["ImageId"] != GOOD_AMI)


def launch(name, group, tokens="required", ami=GOOD_AMI):
    iid = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro", SecurityGroupIds=[group],
                            MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
                            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}]
                            )["Instances"][0]["InstanceId"]
    return iid, f"ec2.instance/{R}/{iid}"


_, exposed = launch("exposed", ssh)
expect.append(["SG007", exposed])
web, _ = launch("web", https)
web_ip = ec2.describe_instances(InstanceIds=[web])["Reservations"][0]["Instances"][0]["PublicIpAddress"]
_, legacy = launch("legacy", https, tokens="optional")
expect.append(["EC2001", legacy])
_, rogue = launch("rogue", https, ami=other_ami)
expect.append(["EC2002", rogue])

s3 = client("s3")
ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


def bucket(name, policy=None, pab=False, acl=None, website=False, hardened=False):
    s3.create_bucket(Bucket=name)
    if hardened:
        # Plain HTTP denied and ACLs off: the look-alike for S3010 and S3011.
        policy = (policy or []) + [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                    "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
        s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    else:
        expect.append(["S3010", f"s3.bucket/global/{name}"])
        expect.append(["S3011", f"s3.bucket/global/{name}"])
    if policy:
        s3.put_bucket_policy(Bucket=name, Policy=doc({"Version": "2012-10-17", "Statement": policy}))
    if acl:
        s3.put_bucket_acl(Bucket=name, ACL=acl)
    if website:
        s3.put_bucket_website(Bucket=name, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    if pab:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=ON)
    else:
        expect.append(["S3005", f"s3.bucket/global/{name}"])
    return f"s3.bucket/global/{name}"


def stmt(action, name, principal="*", cond=None):
    s = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]}
    if cond:
        s["Condition"] = cond
    return s


p = f"pw-{acct}"
expect.append(["S3001", bucket(f"{p}-read", [stmt("s3:GetObject", f"{p}-read")])])
expect.append(["S3002", bucket(f"{p}-write", [stmt("s3:PutObject", f"{p}-write")])])
expect.append(["S3003", bucket(f"{p}-list", [stmt("s3:ListBucket", f"{p}-list")])])
expect.append(["S3004", bucket(f"{p}-acl", acl="public-read")])
bucket(f"{p}-nopab")
expect.append(["S3007", bucket(f"{p}-xacct", [stmt("s3:GetObject", f"{p}-xacct", {"AWS": f"arn:aws:iam::{STRANGER}:root"})])])
expect.append(["S3008", bucket(f"{p}-site", website=True)])
bucket(f"{p}-vpce", [stmt("s3:GetObject", f"{p}-vpce", cond={"StringEquals": {"aws:SourceVpce": "vpce-0abc"}})], pab=True)
bucket(f"{p}-partner", [stmt("s3:GetObject", f"{p}-partner", {"AWS": f"arn:aws:iam::{KNOWN}:root"})], pab=True)
bucket(f"{p}-private", pab=True, hardened=True)
bucket("site-ok.example.com", pab=True, website=True)
expect.append(["S3008", "s3.bucket/global/site-ok.example.com"])
expect.append(["S3006", "s3.account_public_access_block/global/account"])

iam = client("iam")
EC2_TRUST = doc({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def trust(principal, cond=None):
    s = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if cond:
        s["Condition"] = cond
    return doc({"Version": "2012-10-17", "Statement": [s]})


iam.create_role(RoleName="admin-inline", AssumeRolePolicyDocument=EC2_TRUST)
iam.put_role_policy(RoleName="admin-inline", PolicyName="everything",
                    PolicyDocument=doc({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
expect.append(["IAM001", "iam.role/global/admin-inline"])
iam.create_user(UserName="iam-admin")
iam.put_user_policy(UserName="iam-admin", PolicyName="iam-all",
                    PolicyDocument=doc({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}))
expect.append(["IAM002", "iam.user/global/iam-admin"])
# iam:* on * opens every IAM escalation path.
expect.append(["IAM014", "iam.user/global/iam-admin"])
iam.create_group(GroupName="power")
iam.put_group_policy(GroupName="power", PolicyName="all-but-iam",
                     PolicyDocument=doc({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}))
expect.append(["IAM003", "iam.group/global/power"])
# All but IAM still runs instances and functions with roles, and reaches SSM.
expect.append(["IAM014", "iam.group/global/power"])
iam.create_role(RoleName="public-trust", AssumeRolePolicyDocument=trust("*"))
expect.append(["IAM004", "iam.role/global/public-trust"])
iam.create_role(RoleName="org-trust", AssumeRolePolicyDocument=trust("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}))
iam.create_role(RoleName="stranger-trust", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{STRANGER}:root"}))
expect.append(["IAM005", "iam.role/global/stranger-trust"])
iam.create_role(RoleName="partner-trust", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{KNOWN}:root"}))
iam.create_policy(PolicyName="read-only", PolicyDocument=doc({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ec2:Describe*", "s3:Get*"], "Resource": "*"}]}))
iam.create_user(UserName="two-keys")
iam.create_access_key(UserName="two-keys")
iam.create_access_key(UserName="two-keys")
expect.append(["IAM006", "iam.user/global/two-keys"])
iam.create_user(UserName="one-key")
iam.create_access_key(UserName="one-key")
iam.create_user(UserName="console-nomfa")
iam.create_login_profile(UserName="console-nomfa", Password="Sup3r-s3cret-pw!")
expect.append(["IAM008", "iam.user/global/console-nomfa"])
iam.create_user(UserName="console-mfa")
iam.create_login_profile(UserName="console-mfa", Password="Sup3r-s3cret-pw!")
mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="console-mfa")["VirtualMFADevice"]["SerialNumber"]
iam.enable_mfa_device(UserName="console-mfa", SerialNumber=mfa, AuthenticationCode1="123456", AuthenticationCode2="654321")

r53 = client("route53")
zone = r53.create_hosted_zone(Name="example.com", CallerReference=f"pub-{acct}")["HostedZone"]["Id"].split("/")[-1]
team = r53.create_hosted_zone(Name="team.example.com", CallerReference=f"team-{acct}")["HostedZone"]["Id"].split("/")[-1]
priv = r53.create_hosted_zone(Name="corp.internal", CallerReference=f"priv-{acct}", VPC={"VPCRegion": R, "VPCId": vpc},
                              HostedZoneConfig={"PrivateZone": True, "Comment": "internal"})["HostedZone"]["Id"].split("/")[-1]
S3W = {"HostedZoneId": "Z3AQBSTGFYJSTF", "DNSName": "s3-website-us-east-1.amazonaws.com", "EvaluateTargetHealth": False}


def rr(name, typ, values=None, alias=None, zid=zone):
    rs = {"Name": name, "Type": typ}
    if alias:
        rs["AliasTarget"] = alias
    else:
        rs["TTL"] = 300
        rs["ResourceRecords"] = [{"Value": v} for v in values]
    r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": rs}]})
    return f"route53.record/global/{zid}/{name}./{typ}"


expect.append(["DNS001", rr("static.example.com", "A", alias=S3W)])
rr("site-ok.example.com", "A", alias=S3W)
expect.append(["DNS002", rr("app.example.com", "CNAME", ["myapp.us-east-1.elasticbeanstalk.com"])])
rr("blog.example.com", "CNAME", ["example.github.io"])
# An address in us-east-1's EC2 range nobody here holds; one outside AWS's
# ranges (nobody can claim it through AWS) is not reported.
expect.append(["DNS003", rr("old.example.com", "A", ["100.24.0.10"])])
rr("partner.example.com", "A", ["8.8.8.8"])
rr("www.example.com", "A", [web_ip])
expect.append(["DNS004", rr("db.example.com", "A", ["10.0.1.5"])])
rr("db.corp.internal", "A", ["10.0.1.5"], zid=priv)
expect.append(["DNS005", rr("dev.example.com", "NS", ["ns-1.awsdns-01.org"])])
rr("team.example.com", "NS", ["ns-2.awsdns-02.com"])

# The visibility layer is not set up in this account: no trail, detector or
# recorder in the scanned region, and no VPC has flow logs.
# moto's account summary says the root user has no MFA.
expect.append(["IAM010", "iam.account_summary/global/account"])
for check in ("TRAIL001", "GD001", "CFG001", "SH001"):
    expect.append([check, f"account.region/global/{R}"])
# Nor are the region's EC2 guards on (moto_plus.py's defaults of an older
# account): snapshot and image block public access, EBS encryption by
# default, IMDSv2 as the metadata default.
for check in ("EBS003", "AMI003", "EBS004", "EC2004"):
    expect.append([check, f"ec2.region_settings/{R}/{R}"])
for v in ec2.describe_vpcs()["Vpcs"]:
    expect.append(["VPC001", f"ec2.vpc/{R}/{v['VpcId']}"])
    expect.append(["VPC002", f"ec2.vpc/{R}/{v['VpcId']}"])
# Nor does any bucket write access logs.
for b in client("s3").list_buckets()["Buckets"]:
    expect.append(["S3009", f"s3.bucket/global/{b['Name']}"])

emit({"expect": sorted(expect), "good_ami": GOOD_AMI, "known": KNOWN})
