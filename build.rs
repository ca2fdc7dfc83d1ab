//! Embeds every check file under `checks/` into the binary, so the built-in
//! checks need no files at run time and adding one needs no code change.

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
        let abs = std::fs::canonicalize(&f).expect("check path");
        let name = f.file_name().unwrap().to_string_lossy();
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_checks.rs");
    std::fs::write(dest, out).unwrap();
}
