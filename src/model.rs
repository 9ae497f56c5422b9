//! Domain types shared by every step. Records are addressed by their index in
//! `Directory::records` (`RecIdx`); `OrgId` is the id as written in the dump.

use std::fmt;

mod ids;
mod raw;
pub use ids::IdIndex;
pub use raw::{Raw, RawRow, RawValues, SEPARATOR as RAW_SEPARATOR};

/// Position of an accepted record in `Directory::records`.
pub type RecIdx = u32;

/// An organization id as the directory knows it (trimmed, full-width digits folded).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgId(pub Box<str>);

impl OrgId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The canonical fields orgclean understands. Every other column is carried along untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Id,
    Name,
    Uscc,
    ParentId,
    Province,
    City,
    County,
    OrgType,
    Status,
    CreatedAt,
}

impl Field {
    pub const COUNT: usize = 10;
    pub const ALL: [Field; Field::COUNT] = [
        Field::Id,
        Field::Name,
        Field::Uscc,
        Field::ParentId,
        Field::Province,
        Field::City,
        Field::County,
        Field::OrgType,
        Field::Status,
        Field::CreatedAt,
    ];

    /// The name used in `--column field=HEADER` and in outputs.
    pub fn key(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Uscc => "uscc",
            Field::ParentId => "parent_id",
            Field::Province => "province",
            Field::City => "city",
            Field::County => "county",
            Field::OrgType => "org_type",
            Field::Status => "status",
            Field::CreatedAt => "created_at",
        }
    }

    /// Header names recognised for this field, compared after trimming and ASCII lowercasing.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            // 代码 last: a file with both 单位编号 and 单位代码 keys on the 编号.
            Field::Id => &[
                "组织id",
                "组织编号",
                "单位id",
                "单位编号",
                "机构id",
                "机构编号",
                "id",
                "org_id",
                "组织代码",
                "单位代码",
                "机构代码",
            ],
            Field::Name => &["组织名称", "单位名称", "机构名称", "名称", "name", "org_name"],
            Field::Uscc => &["统一社会信用代码", "社会信用代码", "信用代码", "uscc", "credit_code"],
            // A bare 上级单位 often holds the parent's name, so only id-like spellings are taken;
            // the "not found" message proposes the bare header when there is one.
            Field::ParentId => &[
                "上级组织id",
                "上级组织编号",
                "上级单位id",
                "上级单位编号",
                "归口单位id",
                "归口单位编号",
                "上级组织代码",
                "上级单位代码",
                "归口单位代码",
                "上级id",
                "上级编号",
                "parent_id",
                "parent",
            ],
            Field::Province => &["省份", "省", "所在省份", "所属省份", "所在省", "所属省", "province"],
            Field::City => &[
                "地市",
                "城市",
                "市",
                "所在地市",
                "所属地市",
                "所在城市",
                "所属城市",
                "所在市",
                "所属市",
                "city",
            ],
            Field::County => {
                &["区县", "县区", "所在区县", "所属区县", "所在县区", "所属县区", "county", "district"]
            }
            Field::OrgType => &["组织类型", "单位类型", "机构类型", "类型", "type", "org_type"],
            Field::Status => &["认证状态", "状态", "status"],
            Field::CreatedAt => &["创建时间", "创建日期", "注册时间", "created_at"],
        }
    }

    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Certification state of a record (认证状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CertStatus {
    Certified,
    Pending,
    Other,
    Failed,
}

impl CertStatus {
    pub fn parse(s: &str) -> CertStatus {
        match s.trim() {
            "已认证" | "认证通过" | "certified" | "approved" => CertStatus::Certified,
            "待认证" | "认证中" | "待审核" | "pending" => CertStatus::Pending,
            "未通过" | "认证失败" | "已驳回" | "rejected" | "failed" => CertStatus::Failed,
            _ => CertStatus::Other,
        }
    }
}

/// Administrative level of an organization in the 科协 hierarchy, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    National,
    Province,
    City,
    County,
    Grassroots,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::National => "national",
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Grassroots => "grassroots",
        }
    }
}

/// How one input file was read.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    /// As given on the command line (or `-` for stdin); used in messages and rejected_rows.csv.
    pub display: String,
    pub encoding: &'static str,
    pub had_bom: bool,
    pub delimiter: u8,
    /// `\r\n` if the first record ended with CRLF, else `\n`.
    pub crlf: bool,
    /// Header names exactly as in the file (BOM removed).
    pub headers: Vec<String>,
    /// Column index of each canonical field, by `Field::index()`.
    pub columns: [Option<usize>; Field::COUNT],
    pub bytes: u64,
    pub sha256: String,
    pub counts: FileCounts,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileCounts {
    /// Data records read (the header excluded).
    pub rows_read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub exact_repeats: u64,
}

impl FileCounts {
    pub fn add(&mut self, other: &FileCounts) {
        self.rows_read += other.rows_read;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        self.exact_repeats += other.exact_repeats;
    }
}

/// One accepted input row. `raw` says where its decoded values, exactly as in the file, are in
/// `Directory::raw` (read them with `Directory::raw_row`).
#[derive(Debug, Clone)]
pub struct Record {
    pub file: u32,
    /// 1-based physical line where the record starts (the header is line 1).
    pub line: u64,
    pub raw: RawRow,
    pub id: OrgId,
    /// Parent id after the same folding as `id`; empty when the record has no parent.
    pub parent_id: Box<str>,
    /// The accepted record `parent_id` names, resolved once all files are read.
    pub parent: Option<RecIdx>,
}

/// An input row that was not accepted, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub file: String,
    pub line: u64,
    pub reason: String,
    pub raw: String,
}

/// Everything `import` produced: the accepted records and the account of the rest.
#[derive(Debug, Default)]
pub struct Directory {
    pub files: Vec<SourceFile>,
    pub records: Vec<Record>,
    pub rejected: Vec<RejectedRow>,
    /// Id → record index, for the accepted records (read it with `lookup`).
    pub by_id: IdIndex,
    /// The values of the accepted records.
    pub raw: RawValues,
    /// What import noticed about the values that the user should know (Excel damage), in words.
    pub notes: Vec<String>,
}

impl Directory {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// A canonical field of a record, trimmed; empty if the file has no such column.
    pub fn get(&self, idx: RecIdx, field: Field) -> &str {
        let rec = &self.records[idx as usize];
        match field {
            Field::Id => rec.id.as_str(),
            Field::ParentId => &rec.parent_id,
            _ => self
                .column(idx, field)
                .and_then(|c| self.raw.row(&rec.raw).get(c))
                .map(str::trim)
                .unwrap_or(""),
        }
    }

    /// Where `field` is in the file of record `idx`, if that file has it.
    fn column(&self, idx: RecIdx, field: Field) -> Option<usize> {
        self.files[self.records[idx as usize].file as usize].columns[field.index()]
    }

    /// The file of record `idx` has a column for `field` (which may still be empty in the row).
    pub fn has_column(&self, idx: RecIdx, field: Field) -> bool {
        self.column(idx, field).is_some()
    }

    pub fn id(&self, idx: RecIdx) -> &OrgId {
        &self.records[idx as usize].id
    }

    pub fn name(&self, idx: RecIdx) -> &str {
        self.get(idx, Field::Name)
    }

    /// The creation time as written, except that an Excel serial date (43580) is read as the
    /// date it stands for: as a number it would sort after every real date.
    pub fn created_at(&self, idx: RecIdx) -> std::borrow::Cow<'_, str> {
        let raw = self.get(idx, Field::CreatedAt);
        match crate::excel::serial_date(raw) {
            Some(d) => std::borrow::Cow::Owned(d),
            None => std::borrow::Cow::Borrowed(raw),
        }
    }

    pub fn status(&self, idx: RecIdx) -> CertStatus {
        CertStatus::parse(self.get(idx, Field::Status))
    }

    /// Record index of the parent, if the parent id names an accepted record.
    pub fn parent(&self, idx: RecIdx) -> Option<RecIdx> {
        self.records[idx as usize].parent
    }

    pub fn lookup(&self, id: &str) -> Option<RecIdx> {
        self.by_id.get(&self.records, id)
    }

    pub fn totals(&self) -> FileCounts {
        let mut t = FileCounts::default();
        for f in &self.files {
            t.add(&f.counts);
        }
        t
    }
}

/// A group of records that are the same organization. `members` is sorted by record index and
/// includes the survivor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// Stable across runs: derived from the survivor's id.
    pub id: String,
    pub survivor: RecIdx,
    pub members: Vec<RecIdx>,
}

/// The duplicate clusters of a directory (clusters of two or more records only).
#[derive(Debug, Clone, Default)]
pub struct Clusters {
    pub clusters: Vec<Cluster>,
    /// Per record: index into `clusters`, or `None` for a singleton.
    pub cluster_of: Vec<Option<u32>>,
}

impl Clusters {
    /// For a record that is a non-survivor of a cluster, the survivor it merges into.
    pub fn survivor_of(&self, idx: RecIdx) -> Option<RecIdx> {
        let c = self.cluster_of.get(idx as usize).copied().flatten()?;
        let s = self.clusters[c as usize].survivor;
        (s != idx).then_some(s)
    }

    pub fn is_merged_away(&self, idx: RecIdx) -> bool {
        self.survivor_of(idx).is_some()
    }
}

/// Hierarchy and credit-code finding codes (see docs/findings.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    MissingParent,
    SelfParent,
    DanglingParent,
    Cycle,
    SkipsProvince,
    CrossProvince,
    LevelInversion,
    ParentIsDuplicate,
    InvalidUscc,
    UsccProvinceMismatch,
    UsccExcelMangled,
}

impl FindingCode {
    pub const ALL: [FindingCode; 11] = [
        FindingCode::MissingParent,
        FindingCode::SelfParent,
        FindingCode::DanglingParent,
        FindingCode::Cycle,
        FindingCode::SkipsProvince,
        FindingCode::CrossProvince,
        FindingCode::LevelInversion,
        FindingCode::ParentIsDuplicate,
        FindingCode::InvalidUscc,
        FindingCode::UsccProvinceMismatch,
        FindingCode::UsccExcelMangled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::MissingParent => "missing_parent",
            FindingCode::SelfParent => "self_parent",
            FindingCode::DanglingParent => "dangling_parent",
            FindingCode::Cycle => "cycle",
            FindingCode::SkipsProvince => "skips_province",
            FindingCode::CrossProvince => "cross_province",
            FindingCode::LevelInversion => "level_inversion",
            FindingCode::ParentIsDuplicate => "parent_is_duplicate",
            FindingCode::InvalidUscc => "invalid_uscc",
            FindingCode::UsccProvinceMismatch => "uscc_province_mismatch",
            FindingCode::UsccExcelMangled => "uscc_excel_mangled",
        }
    }

    pub fn parse(s: &str) -> Option<FindingCode> {
        FindingCode::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Structural findings are about the parent edge and get a proposed parent.
    pub fn is_structural(self) -> bool {
        !matches!(
            self,
            FindingCode::InvalidUscc | FindingCode::UsccProvinceMismatch | FindingCode::UsccExcelMangled
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// The word in machine files (findings.csv, the audit database, config `[severity]`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// How sure a proposed parent is. `NeedsReview` means no parent is proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    High,
    Medium,
    Low,
    NeedsReview,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
            Confidence::NeedsReview => "needs_review",
        }
    }
}

/// One finding about one record.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub org: RecIdx,
    pub code: FindingCode,
    pub severity: Severity,
    /// What was found, as facts; worded in either language by `hierarchy::detail` (English in
    /// machine files, the report's language for people).
    pub detail: Detail,
    /// The fix for structural findings: the parent the record should have.
    pub fix: Option<ParentFix>,
}

/// The facts behind a finding: ids, names (as in the directory), places and levels, so that
/// the words can be chosen when a report is written (`Detail::text`, in `hierarchy::detail`).
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub fact: Fact,
    /// Units below the record that its province administrator cannot see because of it, and
    /// the province (division code) they are in.
    pub hidden_below: u64,
    pub province: Option<u32>,
}

/// What one finding found. `Who` texts are `id (name)`; provinces are division codes.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    MissingParent,
    SelfParent,
    /// The parent id, and the id it names once Excel's dropped leading zeros are put back.
    DanglingParent {
        parent_id: String,
        zero_padded: Option<String>,
    },
    /// The cycle's size and its ids in order (at most a few, then `…`), back to the first.
    Cycle {
        size: usize,
        path: Vec<String>,
    },
    SkipsProvince {
        parent: String,
        level: Level,
    },
    CrossProvince {
        parent: String,
        parent_province: Option<u32>,
    },
    LevelInversion {
        parent: String,
        parent_level: Option<Level>,
        level: Level,
    },
    ParentIsDuplicate {
        parent: String,
        survivor: String,
    },
    Uscc {
        code: String,
        error: crate::uscc::UsccError,
    },
    UsccProvince {
        code: String,
        division: u32,
        code_province: u32,
    },
}

impl Detail {
    pub fn new(fact: Fact, province: Option<u32>) -> Detail {
        Detail { fact, hidden_below: 0, province }
    }
}

/// A proposed new parent for a record, with how sure we are and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ParentFix {
    /// `None` with `Confidence::NeedsReview`: no parent can be proposed with confidence.
    pub new_parent: Option<RecIdx>,
    pub confidence: Confidence,
    pub reason: FixReason,
}

/// Why a parent is proposed, or why none can be: facts, so that each output says them in its
/// reader's language (`FixReason::text` in `hierarchy::fix_reason`; English is the machine text
/// of findings.csv and parent_fixes.csv).
#[derive(Debug, Clone, PartialEq)]
pub enum FixReason {
    /// The association of `division`, one level up from a unit of `level`.
    OneLevelUp {
        division: u32,
        level: Level,
    },
    /// The association of `ideal` is missing; `division` is its nearest ancestor that has one.
    NearestAncestor {
        ideal: u32,
        division: u32,
    },
    ProvinceUnderNational,
    NationalHasNoParent,
    NationalMissing,
    ProvinceUnknown,
    /// No association of `ideal` or above is in the directory.
    NoAssociation {
        ideal: u32,
    },
    /// The association the unit belongs under is already its parent.
    AlreadyTheParent,
    ParentSurvivor,
    ParentSurvivorIsSelf,
    /// A cycle is cut at this record's parent edge, for this reason.
    CycleCut(Box<FixReason>),
    CycleAllJustified,
    /// This edge of a cycle stays; the cycle is cut at these ids.
    CycleKept {
        cut_at: Box<[String]>,
    },
    /// The proposed parent (its id) failed the re-check of the fixed directory.
    FailedRecheck {
        parent: Box<str>,
    },
    /// A reviewer rejected the proposed fix (`Rejection`).
    RejectedByReviewer(Box<Rejection>),
}

/// A reviewer rejected the proposed fix to `parent` (on `decided_at`, by `reviewer`). Boxed in
/// `FixReason`: the check keeps a `ParentFix` slot for every record (a million at 1M rows),
/// and these four strings in place made each slot 112 bytes instead of 40.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub decided_at: String,
    pub reviewer: String,
    pub parent: String,
    pub comment: String,
}
