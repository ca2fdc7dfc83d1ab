"""Instances for the carried user data (src/aws/carry.rs). Without an
argument: launches `steady`, `restarted` and `parked`, each with user data.
With argv[1] (the first run's output), what may happen between two scans:
`restarted` is stopped, given new user data holding an access key, and
started again (a new launch time, as AWS sets and moto_plus copies);
`parked` is stopped and given new user data; `fresh` is launched. `steady`
runs on untouched: its user data cannot have changed."""
import base64
import json
import sys

from common import client, emit

ec2 = client("ec2", "us-east-1")


def run(user_data):
    return ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                             UserData=user_data)["Instances"][0]["InstanceId"]


def change_user_data(instance, text):
    ec2.stop_instances(InstanceIds=[instance])
    ec2.modify_instance_attribute(InstanceId=instance, UserData={"Value": base64.b64encode(text.encode())})


if len(sys.argv) < 2:
    emit({name: run(f"#!/bin/bash\necho {name}\n") for name in ("steady", "restarted", "parked")})
else:
    made = json.loads(sys.argv[1])
    change_user_data(made["restarted"], "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAZZZZDRIFTWATCH77\n")
    ec2.start_instances(InstanceIds=[made["restarted"]])
    change_user_data(made["parked"], "#!/bin/bash\necho parked, changed\n")
    emit({"fresh": run("#!/bin/bash\necho fresh\n")})
