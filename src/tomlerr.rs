//! TOML parse errors as one line with the line number, for every file the
//! user writes (config, check files). A leaf module: config and checks both
//! use it without importing each other.

/// A TOML error as `line N: message`, on one line.
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {msg}")
        }
        None => msg,
    }
}
