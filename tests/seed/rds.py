"""Plants RDS in us-east-1: a publicly accessible database behind a group
open to the world on its port, one public behind an office range, one
private and encrypted; manual snapshots public, shared with a foreign and
with a known account (444455556666), and private. Prints what it made and
the findings the RDS checks must give."""
from common import account_id, client, emit, first_subnet_vpc

E = "us-east-1"
acct = account_id()
ec2, rds = client("ec2", E), client("rds", E)
vpc = first_subnet_vpc(ec2)


def group(name, cidr):
    g = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": cidr}]}])
    return g


def db(name, public, groups, encrypted=False):
    rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="admin", MasterUserPassword="Not-A-Real-1", Port=5432,
                           PubliclyAccessible=public, VpcSecurityGroupIds=groups,
                           StorageEncrypted=encrypted, AllocatedStorage=20)
    return name


def snapshot(name, add=()):
    rds.create_db_snapshot(DBSnapshotIdentifier=name, DBInstanceIdentifier="private-db")
    if add:
        rds.modify_db_snapshot_attribute(DBSnapshotIdentifier=name, AttributeName="restore",
                                         ValuesToAdd=list(add))
    return name


open_sg, office_sg = group("db-open", "0.0.0.0/0"), group("db-office", "203.0.113.0/24")
made = {
    "account": acct,
    "open_db": db("open-db", True, [open_sg]),
    "office_db": db("office-db", True, [office_sg]),
    "private_db": db("private-db", False, [office_sg], encrypted=True),
    "open_sg": open_sg,
}
made.update({
    "snap_public": snapshot("snap-public", ["all"]),
    "snap_foreign": snapshot("snap-foreign", ["999988887777", "444455556666"]),
    "snap_known": snapshot("snap-known", ["444455556666"]),
    "snap_private": snapshot("snap-private"),
})
i, s = f"rds.instance/{E}/", f"rds.snapshot/{E}/"
made["expect"] = [
    ["RDS001", i + "open-db"], ["RDS002", i + "office-db"],
    ["RDS005", i + "open-db"], ["RDS005", i + "office-db"],
    ["RDS003", s + "snap-public"], ["RDS004", s + "snap-foreign"],
]
emit(made)
