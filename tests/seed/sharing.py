"""Plants the EC2 data-sharing surface: in us-east-1 snapshots shared with
everyone, with a foreign account, with a known account (444455556666) and
with nobody, AMIs public, shared with a foreign account and private, the
serial console on and every region-level guard off (moto_plus.py's
defaults); in eu-west-1 every guard on and one private snapshot. Prints what
it made and the findings the EC2 sharing checks must give, nothing else."""
from common import account_id, client, emit

E, W = "us-east-1", "eu-west-1"
FOREIGN, KNOWN = "999988887777", "444455556666"
acct = account_id()
ec2 = client("ec2", E)


def snapshot(c, az, users=(), public=False):
    vol = c.create_volume(AvailabilityZone=az, Size=1)["VolumeId"]
    snap = c.create_snapshot(VolumeId=vol)["SnapshotId"]
    if users or public:
        c.modify_snapshot_attribute(
            SnapshotId=snap, Attribute="createVolumePermission", OperationType="add",
            UserIds=list(users), GroupNames=["all"] if public else [])
    return snap


inst = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]


def image(name, add=None):
    ami = ec2.create_image(InstanceId=inst, Name=name)["ImageId"]
    if add:
        ec2.modify_image_attribute(ImageId=ami, LaunchPermission={"Add": add})
    return ami


made = {
    "account": acct,
    "snap_public": snapshot(ec2, "us-east-1a", public=True),
    "snap_foreign": snapshot(ec2, "us-east-1a", users=[FOREIGN, KNOWN]),
    "snap_known": snapshot(ec2, "us-east-1a", users=[KNOWN]),
    "snap_private": snapshot(ec2, "us-east-1a"),
    "ami_public": image("public-image", [{"Group": "all"}]),
    "ami_foreign": image("foreign-image", [{"UserId": FOREIGN}]),
    "ami_private": image("private-image"),
}
ec2.enable_serial_console_access()

west = client("ec2", W)
west.enable_ebs_encryption_by_default()
west.enable_snapshot_block_public_access(State="block-all-sharing")
west.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
west.modify_instance_metadata_defaults(HttpTokens="required")
made["snap_west"] = snapshot(west, "eu-west-1a")

settings = f"ec2.region_settings/{E}/{E}"
made["expect"] = [
    ["EBS001", f"ec2.snapshot/{E}/{made['snap_public']}"],
    ["EBS002", f"ec2.snapshot/{E}/{made['snap_foreign']}"],
    ["AMI001", f"ec2.image/{E}/{made['ami_public']}"],
    ["AMI002", f"ec2.image/{E}/{made['ami_foreign']}"],
    ["EBS003", settings],
    ["EBS004", settings],
    ["AMI003", settings],
    ["EC2003", settings],
    ["EC2004", settings],
]
emit(made)
