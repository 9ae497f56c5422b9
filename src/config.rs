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
    /// Where the settings were read from, to name a key by its file and line in messages.
    #[serde(skip)]
    pub source: Option<Source>,
}

/// A config file as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    pub path: String,
    pub text: String,
}

impl Source {
    /// The 1-based line of `key` in `[section]` (or written `section.key = …` at the top).
    pub fn line_of(&self, section: &str, key: &str) -> Option<usize> {
        let mut current = String::new();
        for (n, line) in self.text.lines().enumerate() {
            let t = line.trim();
            if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                current = name.trim().to_string();
                continue;
            }
            let Some((k, _)) = t.split_once('=') else { continue };
            let k = k.trim().trim_matches('"');
            let dotted = format!("{section}.{key}");
            if (current == section && k == key) || (current.is_empty() && k == dotted) {
                return Some(n + 1);
            }
        }
        None
    }
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
    // f64 as written in the file: an f32 would print 0.9 as 0.8999999761581421.
    pub merge_threshold: Option<f64>,
    pub review_threshold: Option<f64>,
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
        let mut cfg: Config = toml::from_str(&text)
            .map_err(|e| Error::input(path.display().to_string(), format!("invalid config: {e}")))?;
        cfg.source = Some(Source { path: path.display().to_string(), text });
        cfg.validate()?;
        Ok(cfg)
    }

    fn path(&self) -> String {
        self.source.as_ref().map(|s| s.path.clone()).unwrap_or_else(|| "config".into())
    }

    /// `line N: ` for a key of the file, when it can be found.
    fn at(&self, section: &str, key: &str) -> String {
        self.source
            .as_ref()
            .and_then(|s| s.line_of(section, key))
            .map(|l| format!("line {l}: "))
            .unwrap_or_default()
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: String| Error::input(self.path(), m);
        let codes = || FindingCode::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
        for (code, sev) in &self.severity {
            let at = self.at("severity", code);
            FindingCode::parse(code).ok_or_else(|| {
                bad(format!("{at}[severity] {code}: unknown finding code {code:?}; codes are {}", codes()))
            })?;
            if sev != "error" && sev != "warning" {
                return Err(bad(format!("{at}[severity] {code} = {sev:?}: use \"error\" or \"warning\"")));
            }
        }
        for code in self.fail_on.keys() {
            let at = self.at("fail_on", code);
            FindingCode::parse(code).ok_or_else(|| {
                bad(format!("{at}[fail_on] {code}: unknown finding code {code:?}; codes are {}", codes()))
            })?;
        }
        for (key, t) in [
            ("merge_threshold", self.dedupe.merge_threshold),
            ("review_threshold", self.dedupe.review_threshold),
        ] {
            if t.is_some_and(|t| !(0.0..=1.0).contains(&t)) {
                let at = self.at("dedupe", key);
                return Err(bad(format!(
                    "{at}[dedupe] {key} = {}: must be between 0 and 1",
                    t.unwrap_or(0.0)
                )));
            }
        }
        self.column_overrides().map(|_| ())
    }

    /// Every setting with its effective value (defaults filled in), as TOML: what `orgclean
    /// config` prints.
    pub fn effective_toml(&self) -> Result<String> {
        let d = crate::dedupe::DedupeOptions::default();
        let mut e = self.clone();
        e.input.encoding.get_or_insert_with(|| "auto".into());
        e.input.delimiter.get_or_insert_with(|| "auto".into());
        e.dedupe.merge_threshold.get_or_insert(as_written(d.merge_threshold));
        e.dedupe.review_threshold.get_or_insert(as_written(d.review_threshold));
        e.output.encoding.get_or_insert_with(|| "input".into());
        for code in FindingCode::ALL {
            let sev = match self.severity_of(code, crate::hierarchy::severity(code)) {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            e.severity.insert(code.as_str().to_string(), sev.to_string());
        }
        let body =
            toml::to_string(&e).map_err(|err| Error::Internal(format!("printing the settings: {err}")))?;
        let from = match &self.source {
            Some(s) => format!("{} and the defaults", s.path),
            None => "the defaults (no --config given)".to_string(),
        };
        Ok(format!("# Effective settings of `orgclean run` and `orgclean audit`, from {from}.\n# Flags given to those commands win over these.\n{body}"))
    }

    /// `[input.columns]` as column mappings that remember their file and line.
    pub fn column_overrides(&self) -> Result<Vec<crate::import::ColumnOverride>> {
        let file = self.path();
        self.input
            .columns
            .iter()
            .map(|(key, header)| {
                let line = self.source.as_ref().and_then(|s| s.line_of("input.columns", key));
                crate::import::ColumnOverride::from_config(key, header, &file, line)
            })
            .collect()
    }

    pub fn severity_of(&self, code: FindingCode, default: Severity) -> Severity {
        match self.severity.get(code.as_str()).map(String::as_str) {
            Some("error") => Severity::Error,
            Some("warning") => Severity::Warning,
            _ => default,
        }
    }
}

/// A threshold held as f32 (as the scorer uses it) in the shortest decimal that reads back as it:
/// 0.9, not the 0.8999999761581421 a plain widening gives.
pub fn as_written(t: f32) -> f64 {
    t.to_string().parse().unwrap_or(t as f64)
}

/// The `fail_on` thresholds that `counts` (findings per code) reach, in words: `cycle: 3 ≥ 1`.
/// `what` qualifies the count (`new ` for the audit, which counts new findings only).
pub fn thresholds_reached(
    counts: &BTreeMap<String, u64>,
    fail_on: &BTreeMap<String, u64>,
    what: &str,
) -> Vec<String> {
    fail_on
        .iter()
        .filter_map(|(code, &limit)| {
            let n = counts.get(code).copied().unwrap_or(0);
            (limit > 0 && n >= limit).then(|| format!("{code}: {n} {what}≥ {limit}"))
        })
        .collect()
}

/// Parse `--fail-on cycle=1,skips_province=10`.
/// What `orgclean config` prints: the commented example, or the effective settings of `file`
/// (the defaults without one).
pub fn settings_text(example: bool, file: Option<&Path>) -> Result<String> {
    if example {
        return Ok(EXAMPLE.to_string());
    }
    match file {
        Some(p) => Config::load(p)?.effective_toml(),
        None => Config::default().effective_toml(),
    }
}

/// `--fail-on CODE=N,...` if given, else no threshold.
pub fn fail_on_flag(s: Option<&str>) -> Result<BTreeMap<String, u64>> {
    Ok(s.map(parse_fail_on).transpose()?.unwrap_or_default())
}

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
    fn thresholds_print_as_written() {
        assert_eq!(as_written(0.9), 0.9);
        assert_eq!(serde_json::json!(as_written(0.85)).to_string(), "0.85");
        let text = Config::default().effective_toml().unwrap();
        assert!(text.contains("merge_threshold = 0.85"), "{text}");
        assert!(text.contains("review_threshold = 0.7\n"), "{text}");
        assert!(text.contains("cycle = \"error\""), "{text}");
    }

    #[test]
    fn keys_are_found_by_line() {
        let src = Source {
            path: "o.toml".into(),
            text: "[input]\n[input.columns]\nname = \"单位\"\n\n[severity]\ncycle = \"warning\"\n".into(),
        };
        assert_eq!(src.line_of("input.columns", "name"), Some(3));
        assert_eq!(src.line_of("severity", "cycle"), Some(6));
        assert_eq!(src.line_of("severity", "name"), None);
    }

    #[test]
    fn reached_thresholds_in_words() {
        let counts: BTreeMap<String, u64> = [("cycle".to_string(), 3)].into();
        let fail_on: BTreeMap<String, u64> =
            [("cycle".to_string(), 1), ("self_parent".to_string(), 1)].into();
        assert_eq!(thresholds_reached(&counts, &fail_on, ""), ["cycle: 3 ≥ 1"]);
        assert_eq!(thresholds_reached(&counts, &fail_on, "new "), ["cycle: 3 new ≥ 1"]);
    }

    #[test]
    fn fail_on_flag() {
        let m = parse_fail_on("cycle=1, skips_province=10").unwrap();
        assert_eq!(m.get("cycle"), Some(&1));
        assert!(parse_fail_on("cycles=1").is_err());
        assert!(parse_fail_on("cycle=x").is_err());
    }
}
