//! A snapshot of a large account in moto server: at least 500 instances, 300
//! security groups, 200 buckets, 300 IAM roles and 2,000 DNS records. Prints
//! wall time, API calls by operation and wall time by collection unit, at a
//! few concurrency limits.
//!
//! Run: `tests/with-moto.sh cargo bench --bench snapshot`. The figures are
//! moto's as much as ours (moto answers one request at a time in Python), so
//! they are upper bounds for what AWS itself would take.

use std::process::Command;
use std::time::Instant;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let Ok(endpoint) = std::env::var("DRIFTWATCH_MOTO_ENDPOINT") else {
        eprintln!(
            "snapshot bench: needs moto; run as `tests/with-moto.sh cargo bench --bench snapshot`"
        );
        std::process::exit(2);
    };
    let python = std::env::var("DRIFTWATCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo bench sets CARGO_MANIFEST_DIR");
    let creds = Command::new(&python)
        .arg("-c")
        .arg("import boto3,sys,json\nc=boto3.client('sts',endpoint_url=sys.argv[1],region_name='us-east-1',aws_access_key_id='b',aws_secret_access_key='b')\n\
              r=c.assume_role(RoleArn='arn:aws:iam::333344445555:role/bench',RoleSessionName='bench')['Credentials']\n\
              print(json.dumps([r['AccessKeyId'],r['SecretAccessKey'],r['SessionToken']]))")
        .arg(&endpoint)
        .output()
        .unwrap();
    let creds: Vec<String> = serde_json::from_slice(&creds.stdout).expect("AssumeRole in moto");
    // SAFETY: single-threaded at this point; the SDK reads these later.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", &creds[0]);
        std::env::set_var("AWS_SECRET_ACCESS_KEY", &creds[1]);
        std::env::set_var("AWS_SESSION_TOKEN", &creds[2]);
        std::env::set_var("AWS_REGION", "us-east-1");
        std::env::set_var("AWS_ENDPOINT_URL", &endpoint);
        std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    }
    let t = Instant::now();
    let seeded = Command::new(&python)
        .arg(format!("{root}/tests/seed/large.py"))
        .current_dir(format!("{root}/tests/seed"))
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    eprintln!(
        "seeded in {:.0}s: {}",
        t.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&seeded.stdout).trim()
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    for concurrency in [1, 8, 32] {
        let opts = driftwatch::aws::AwsOptions {
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            concurrency,
            ..Default::default()
        };
        let (snap, stats) = rt.block_on(driftwatch::aws::collect(&opts)).unwrap();
        let mut kinds = std::collections::BTreeMap::new();
        for r in snap.resources.values() {
            *kinds.entry(r.kind.clone()).or_insert(0) += 1;
        }
        println!(
            "concurrency {concurrency}: {} resources in {:.2}s, {} API calls",
            snap.resources.len(),
            stats.elapsed.as_secs_f64(),
            stats.api_calls
        );
        if concurrency == 32 {
            println!("  resources by kind: {kinds:?}");
            println!("  calls by operation:");
            for (op, n) in &stats.by_operation {
                println!("    {op:<45} {n}");
            }
            println!("  wall time by unit:");
            for (unit, d) in &stats.by_unit {
                println!("    {unit:<20} {:.2}s", d.as_secs_f64());
            }
        }
    }
}
