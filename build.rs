//! Embeds every check file under `checks/` and the demo account under
//! `baselines/demo/` into the binary, so built-in checks and `driftwatch demo`
//! need no files at run time, and adding a check needs no code change.
//!
//! The generated code names files relative to `CARGO_MANIFEST_DIR`, read
//! when the crate compiles, never as absolute paths: two clones sharing one
//! target directory (CI tests a fresh clone with the cached build) share
//! this script's output, and an absolute path would point into the other.

use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-changed=checks");
    let mut files: Vec<_> = std::fs::read_dir("checks")
        .expect("checks/ directory")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("/// (file name, contents) of every built-in check.\npub const BUILTIN: &[(&str, &str)] = &[\n");
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        writeln!(
            out,
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))),",
            format!("/checks/{name}")
        )
        .unwrap();
    }
    out.push_str("];\n");
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out_dir.join("builtin_checks.rs"), out).unwrap();

    println!("cargo:rerun-if-changed=baselines/demo");
    let mut demo = Vec::new();
    walk(std::path::Path::new("baselines/demo"), &mut demo);
    demo.sort();
    let mut out = String::from("/// (path relative to baselines/demo, bytes) of the bundled demo account.\npub const DEMO_FILES: &[(&str, &[u8])] = &[\n");
    for f in demo {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix("baselines/demo")
            .unwrap()
            .to_string_lossy()
            .trim_start_matches('/')
            .to_string();
        writeln!(
            out,
            "    ({rel:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))),",
            format!("/baselines/demo/{rel}")
        )
        .unwrap();
    }
    out.push_str("];\n");
    std::fs::write(out_dir.join("demo_files.rs"), out).unwrap();
}

fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            println!("cargo:rerun-if-changed={}", p.display());
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}
