//! Typed settings, parsed once. The command line and the config file give strings; everything
//! below `cli` works with these types (ripgrep's low-level → high-level arguments): an encoding,
//! a delimiter byte, validated thresholds, a date, a language.

use chrono::NaiveDate;
use serde_json::json;

use crate::config::Config;
use crate::coverage::Scope;
use crate::dedupe::DedupeOptions;
use crate::error::{Error, Result};
use crate::lang::Lang;

/// An encoding name as users write it: utf-8 (utf8) or gb18030 (gbk, gb2312 and cp936 are read
/// as gb18030, their superset). `auto_word` (auto for input, input for output) gives `None`.
/// `what` names the flag or key in the message.
pub fn parse_encoding(
    s: &str,
    auto_word: &str,
    what: &str,
) -> Result<Option<&'static encoding_rs::Encoding>> {
    let norm = s.trim().to_ascii_lowercase().replace('_', "-");
    match norm.as_str() {
        w if w == auto_word => Ok(None),
        "utf-8" | "utf8" => Ok(Some(encoding_rs::UTF_8)),
        "gb18030" | "gbk" | "gb2312" | "cp936" => Ok(Some(encoding_rs::GB18030)),
        other => Err(Error::Usage(format!(
            "{what} {other:?}: unknown encoding; use {auto_word}, utf-8 or gb18030"
        ))),
    }
}

/// A field delimiter: auto (`None`), one ASCII character, or `tab`.
pub fn parse_delimiter(s: &str, what: &str) -> Result<Option<u8>> {
    match s {
        "auto" => Ok(None),
        "tab" | "\\t" | "\t" => Ok(Some(b'\t')),
        d if d.len() == 1 => Ok(Some(d.as_bytes()[0])),
        d => {
            Err(Error::Usage(format!("{what} {d:?}: give one ASCII character (',' ';' '|'), `tab`, or auto")))
        }
    }
}

/// Merge and review thresholds, checked once: 0 ≤ review ≤ merge ≤ 1.
pub fn thresholds(merge: f32, review: f32) -> Result<DedupeOptions> {
    let ok = |x: f32| (0.0..=1.0).contains(&x);
    for (flag, x) in [("--merge-threshold", merge), ("--review-threshold", review)] {
        if !ok(x) {
            return Err(Error::Usage(format!("{flag} {x}: must be between 0 and 1")));
        }
    }
    if review > merge {
        return Err(Error::Usage(format!(
            "--review-threshold {review} is above --merge-threshold {merge}; the review zone lies below the merge threshold"
        )));
    }
    Ok(DedupeOptions { merge_threshold: merge, review_threshold: review })
}

/// Dedupe settings of a command that only needs clusters (check, coverage): the merge threshold
/// given, and a review threshold no higher than it.
pub fn merge_only(merge: f32) -> Result<DedupeOptions> {
    thresholds(merge, DedupeOptions::default().review_threshold.min(merge))
}

/// A date given as YYYY-MM-DD; `None` means today.
pub fn parse_as_of(s: Option<&str>) -> Result<NaiveDate> {
    match s {
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| Error::Usage(format!("--as-of {s:?}: expected YYYY-MM-DD"))),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

/// Everything `run` and `audit` need besides the dumps, after merging the config file and flags.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub config: Config,
    pub dedupe: DedupeOptions,
    /// Encoding of orgs_fixed.csv; `None` = as the first dump.
    pub output_encoding: Option<&'static encoding_rs::Encoding>,
    /// Date the certification queue's ages are counted to (and the workbook's date).
    pub as_of: NaiveDate,
    /// Language of the files and summaries for people.
    pub lang: Lang,
    pub coverage: Scope,
    /// `--province`: the reports and queues hold this province only (`report::scope`).
    pub province: Option<crate::province::ProvinceFilter>,
}

/// `run`/`audit`'s flags as given (`None` = not given), before the config file fills the gaps.
#[derive(Debug, Default)]
pub struct RunFlags<'a> {
    pub config: Option<&'a std::path::Path>,
    pub fail_on: Option<&'a str>,
    pub merge_threshold: Option<f32>,
    pub review_threshold: Option<f32>,
    pub output_encoding: Option<&'a str>,
    pub as_of: Option<&'a str>,
    pub all_divisions: bool,
    pub province: Option<&'a str>,
}

impl RunSettings {
    /// `--encoding`/`--delimiter` as given, or the config file's `[input]` where they are `auto`.
    pub fn input_defaults(&self, encoding: &mut String, delimiter: &mut String) {
        let ci = &self.config.input;
        for (flag, cfg) in [(encoding, &ci.encoding), (delimiter, &ci.delimiter)] {
            if let (true, Some(c)) = (flag == "auto", cfg) {
                *flag = c.clone();
            }
        }
    }

    /// `coverage`'s settings: merges at `merge` (records merged count as one), no review zone
    /// above it, no config file.
    pub fn coverage_only(merge: f32, all_divisions: bool, lang: Lang) -> Result<RunSettings> {
        let review_threshold = Some(DedupeOptions::default().review_threshold.min(merge));
        let flags =
            RunFlags { merge_threshold: Some(merge), review_threshold, all_divisions, ..RunFlags::default() };
        RunSettings::from_flags(&flags, lang)
    }

    /// The config file (if any), then the flags on top, each parsed and checked once.
    pub fn from_flags(f: &RunFlags, lang: Lang) -> Result<RunSettings> {
        let mut cfg = match f.config {
            Some(p) => Config::load(p)?,
            None => Config::default(),
        };
        if let Some(x) = f.fail_on {
            cfg.fail_on.extend(crate::config::parse_fail_on(x)?);
        }
        let (d, dd) = (DedupeOptions::default(), &cfg.dedupe);
        let dedupe = thresholds(
            f.merge_threshold.or(dd.merge_threshold.map(|t| t as f32)).unwrap_or(d.merge_threshold),
            f.review_threshold.or(dd.review_threshold.map(|t| t as f32)).unwrap_or(d.review_threshold),
        )?;
        let output_encoding = match f.output_encoding.or(cfg.output.encoding.as_deref()) {
            Some(e) => parse_encoding(e, "input", "output encoding")?,
            None => None,
        };
        Ok(RunSettings {
            config: cfg,
            dedupe,
            output_encoding,
            as_of: parse_as_of(f.as_of)?,
            lang,
            coverage: if f.all_divisions { Scope::All } else { Scope::InputProvinces },
            province: f.province.map(crate::province::ProvinceFilter::parse).transpose()?,
        })
    }

    /// The settings as summary.json and the audit database record them (built in one place).
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = json!({
            "merge_threshold": crate::config::as_written(self.dedupe.merge_threshold),
            "review_threshold": crate::config::as_written(self.dedupe.review_threshold),
            "output_encoding": self.output_encoding.map(|e| e.name()),
            "config": self.config,
        });
        if let (Some(p), Some(map)) = (&self.province, v.as_object_mut()) {
            map.insert("province".into(), json!(p.name));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_and_delimiters_parse_once_with_one_set_of_aliases() {
        assert_eq!(parse_encoding("GBK", "auto", "--encoding").unwrap(), Some(encoding_rs::GB18030));
        assert_eq!(parse_encoding("utf_8", "auto", "--encoding").unwrap(), Some(encoding_rs::UTF_8));
        assert_eq!(parse_encoding("auto", "auto", "--encoding").unwrap(), None);
        assert_eq!(parse_encoding("input", "input", "--output-encoding").unwrap(), None);
        assert!(parse_encoding("latin1", "auto", "--encoding").unwrap_err().to_string().contains("latin1"));
        assert_eq!(parse_delimiter("tab", "--delimiter").unwrap(), Some(b'\t'));
        assert!(parse_delimiter(";;", "--delimiter").is_err());
    }

    #[test]
    fn thresholds_are_checked_in_one_place() {
        assert!(thresholds(0.85, 0.7).is_ok());
        assert!(thresholds(0.7, 0.85).is_err());
        assert!(thresholds(1.2, 0.7).is_err());
        assert_eq!(merge_only(0.6).unwrap().review_threshold, 0.6);
    }
}
