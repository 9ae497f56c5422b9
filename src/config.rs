//! Settings for `run`/`audit`: an optional TOML file, overridden by flags.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{FindingCode, Severity};

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub input: InputConfig,
    pub dedupe: DedupeConfig,
    pub output: OutputConfig,
    /// Finding code → severity ("error" or "warning"), overriding the defaults.
    pub severity: BTreeMap<String, String>,
    /// Finding code → count at which the run exits with 1.
    pub fail_on: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct InputConfig {
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    /// Field → header, as `--column FIELD=HEADER`.
    pub columns: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DedupeConfig {
    pub merge_threshold: Option<f32>,
    pub review_threshold: Option<f32>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// "input" (default), "utf-8" or "gb18030": encoding of orgs_fixed.csv.
    pub encoding: Option<String>,
}

pub const EXAMPLE: &str = r#"# orgclean.toml — settings for `orgclean run` and `orgclean audit`.
# Every setting is optional; flags given on the command line win.

[input]
# encoding = "auto"        # auto, utf-8 or gb18030
# delimiter = "auto"       # auto, ",", ";", "tab"
[input.columns]
# name = "单位名称"         # map a field to a header your dumps use (see docs/input-formats.md)

[dedupe]
# merge_threshold = 0.85   # pairs scoring at least this are merged
# review_threshold = 0.70  # pairs between the two thresholds are listed for review

[output]
# encoding = "input"       # orgs_fixed.csv: input (same as the first dump), utf-8 or gb18030

[severity]
# Which codes are errors and which are warnings (defaults in docs/findings.md).
# invalid_uscc = "warning"
# parent_is_duplicate = "warning"

[fail_on]
# Exit with code 1 when a code has at least this many findings (nightly audit: new findings).
# cycle = 1
# skips_province = 10
"#;

impl Config {
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
        let cfg: Config = toml::from_str(&text)
            .map_err(|e| Error::input(path.display().to_string(), format!("invalid config: {e}")))?;
        cfg.validate(path)?;
        Ok(cfg)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let bad = |m: String| Error::input(path.display().to_string(), m);
        for (code, sev) in &self.severity {
            FindingCode::parse(code)
                .ok_or_else(|| bad(format!("[severity]: unknown finding code {code:?}")))?;
            if sev != "error" && sev != "warning" {
                return Err(bad(format!("[severity] {code} = {sev:?}: use \"error\" or \"warning\"")));
            }
        }
        for code in self.fail_on.keys() {
            FindingCode::parse(code)
                .ok_or_else(|| bad(format!("[fail_on]: unknown finding code {code:?}")))?;
        }
        Ok(())
    }

    pub fn severity_of(&self, code: FindingCode, default: Severity) -> Severity {
        match self.severity.get(code.as_str()).map(String::as_str) {
            Some("error") => Severity::Error,
            Some("warning") => Severity::Warning,
            _ => default,
        }
    }
}

/// Parse `--fail-on cycle=1,skips_province=10`.
pub fn parse_fail_on(s: &str) -> Result<BTreeMap<String, u64>> {
    let mut out = BTreeMap::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (code, n) = part
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("--fail-on {part:?}: expected CODE=COUNT, e.g. cycle=1")))?;
        let code = code.trim();
        FindingCode::parse(code)
            .ok_or_else(|| Error::Usage(format!("--fail-on: unknown finding code {code:?}")))?;
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| Error::Usage(format!("--fail-on {part:?}: COUNT must be a whole number")))?;
        out.insert(code.to_string(), n);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_parses_to_defaults() {
        let cfg: Config = toml::from_str(EXAMPLE).unwrap();
        assert_eq!(cfg, Config::default());
    }

    #[test]
    fn fail_on_flag() {
        let m = parse_fail_on("cycle=1, skips_province=10").unwrap();
        assert_eq!(m.get("cycle"), Some(&1));
        assert!(parse_fail_on("cycles=1").is_err());
        assert!(parse_fail_on("cycle=x").is_err());
    }
}
