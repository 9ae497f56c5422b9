//! The scoring rules, one test or more each (kept apart from score.rs: the rules come first).
/// `without_first` is `replacen(part, "", 1)` without the allocation, wherever the part is.
#[test]
fn taking_out_the_first_occurrence_matches_replacen() {
    for (text, part) in [
        ("河北警察职业技术学院", "河北警察"),
        ("警察职业技术学院警察", "警察"),
        ("职业技术学院", "技术"),
        ("职业技术学院", "学院"),
        ("职业技术学院", "大学"),
        ("职业技术学院", ""),
        ("", ""),
    ] {
        let (x, y) = super::without_first(text, part);
        assert_eq!(format!("{x}{y}"), text.replacen(part, "", 1), "{text} - {part}");
    }
}

/// Found on the real village list (bench/real/villages): names one direction, number or
/// 大/小 apart (浦南村 / 浦北村, 东村 / 七村) merged at 0.88; they are different places.
#[test]
fn names_apart_only_by_directions_numbers_or_size_are_different_places() {
    for (a, b) in [
        ("海州区浦南镇浦南村委会", "海州区浦南镇浦北村委会"),
        ("金山区石化街道东村居委会", "金山区石化街道七村居委会"),
        ("金山区石化街道十村居委会", "金山区石化街道十二村居委会"),
        ("朝阳区甜水园东里社区卫生服务站", "朝阳区甜水园西里社区卫生服务站"),
        ("某某县大庄村卫生室", "某某县小庄村卫生室"),
    ] {
        assert!(differ_only_in_place_markers(a, b), "{a} / {b}");
    }
    for (a, b) in [
        ("某某镇上庄子村卫生室", "某某镇许庄子村卫生室"), // 许 is no place marker
        ("某某中学", "某某学"),                           // at the end: not inside the name
        ("合肥市第1中学", "合肥市第1中学"),
        ("东城区科协", "城区科协"), // at the start
    ] {
        assert!(!differ_only_in_place_markers(a, b), "{a} / {b}");
    }
}

use super::*;
use crate::dedupe::features::parsed;

struct Rec {
    name: NameParts,
    feat: Features,
}

fn rec(name: &str, prov: &str, city: &str, county: &str, uscc: &str) -> Rec {
    let (name, feat) = parsed(name, Gazetteer::global().resolve_columns(prov, city, county), uscc);
    Rec { name, feat }
}

/// A valid credit code both records of a pair may carry.
const CODE: &str = "12510000986745454P";

/// Both records filed under one parent record, as siblings are.
fn one_parent(a: &mut Rec, b: &mut Rec) {
    (a.feat.parent, b.feat.parent) = (Some(7), Some(7));
}

fn cmp(a: &Rec, b: &Rec) -> Verdict {
    fn side(r: &Rec) -> Side<'_> {
        Side { name: &r.name, feat: &r.feat, level: Level::Grassroots }
    }
    // Symmetric by construction: check it on every test pair.
    let g = Gazetteer::global();
    let ab = compare(g, side(a), side(b));
    let quick = score_only(g, side(a), side(b));
    match &ab {
        Verdict::Veto(_) => assert!(quick.is_none()),
        Verdict::Scored { score, reviewable_only, .. } => {
            assert_eq!(quick, Some((*score, *reviewable_only)))
        }
    }
    let ba = compare(g, side(b), side(a));
    assert_eq!(matches!(ab, Verdict::Veto(_)), matches!(ba, Verdict::Veto(_)));
    ab
}

/// Two names compared with no region columns and no credit code.
fn cmp_names(a: &str, b: &str) -> Verdict {
    cmp(&rec(a, "", "", "", ""), &rec(b, "", "", "", ""))
}

fn score(v: &Verdict) -> f32 {
    match v {
        Verdict::Scored { score, .. } => *score,
        Verdict::Veto(_) => 0.0,
    }
}

fn vetoed(v: &Verdict, word: &str) -> bool {
    matches!(v, Verdict::Veto(r) if r.to_string().contains(word))
}

fn texts(v: &Verdict) -> Vec<String> {
    match v {
        Verdict::Scored { reasons, .. } => reasons.iter().map(|r| r.to_string()).collect(),
        Verdict::Veto(r) => vec![r.to_string()],
    }
}

#[test]
fn same_district_name_in_different_cities_is_vetoed() {
    let a = rec("鼓楼区科学技术协会", "福建省", "福州市", "鼓楼区", "");
    let b = rec("鼓楼区科学技术协会", "河南省", "开封市", "鼓楼区", "");
    assert!(vetoed(&cmp(&a, &b), "regions"));
    let c = rec("城区科协", "广东省", "汕尾市", "城区", "");
    let d = rec("晋城市城区科学技术协会", "", "", "", "");
    assert!(matches!(cmp(&c, &d), Verdict::Veto(_)));
}

/// Found on the real village list: with no known suffix (村委会) a one-character difference
/// in the name (王营 / 陈营) merged at 0.88; the whole stem is the identifying part there.
#[test]
fn without_a_known_suffix_a_different_character_goes_to_review() {
    let a = rec("钟祥市胡集镇王营村委会", "湖北省", "荆门市", "钟祥市", "");
    let b = rec("钟祥市胡集镇陈营村委会", "湖北省", "荆门市", "钟祥市", "");
    let v = cmp(&a, &b);
    assert!(review_only(&v) || matches!(v, Verdict::Veto(_)), "{v:?}");
}

#[test]
fn ordinals_veto() {
    let a = rec("潮州市第一中学", "广东省", "潮州市", "", "");
    let b = rec("潮州市第十一中学", "广东省", "潮州市", "", "");
    assert!(vetoed(&cmp(&a, &b), "ordinals"));
    let c = rec("潮州一中", "广东省", "潮州市", "", "");
    assert_eq!(score(&cmp(&a, &c)), 1.0);
}

#[test]
fn kinds_of_unit_veto() {
    let a = rec("中国科学技术大学", "安徽省", "合肥市", "", "");
    let b = rec("中国科学技术协会", "", "", "", "");
    assert!(vetoed(&cmp(&a, &b), "kinds"));
    let c = rec("嘉兴科盛光电股份有限公司", "浙江省", "嘉兴市", "", "");
    let d = rec("嘉兴科盛光电股份有限公司科学技术协会(筹)", "浙江省", "嘉兴市", "", "");
    assert!(vetoed(&cmp(&c, &d), "kinds"), "an org and its own 科协");
}

#[test]
fn a_short_form_with_the_same_credit_code_merges() {
    let full = rec("四川大学", "四川省", "", "", CODE);
    let short = rec("川大", "四川省", "", "", CODE);
    let v = cmp(&full, &short);
    assert!(score(&v) >= 0.85, "{v:?}");
    assert!(texts(&v).contains(&"川大 abbreviates 四川大学".to_string()));
    // Without the code, characters in order are not enough (南大 also fits 南昌大学).
    let no_code = rec("川大", "四川省", "", "", "");
    assert!(score(&cmp(&full, &no_code)) < 0.7);
    // Not an abbreviation (characters out of order, or one the full name lacks): no help.
    let other = rec("大川", "四川省", "", "", CODE);
    assert!(score(&cmp(&full, &other)) < 0.85);
    // A part of a unit under the unit's code is not its short form.
    let part = rec("合肥市第一人民医院门诊部", "安徽省", "合肥市", "", CODE);
    let hospital = rec("合肥市第一人民医院", "安徽省", "合肥市", "", CODE);
    assert!(score(&cmp(&hospital, &part)) < 0.85);
    let school = rec("乌海市实验中学", "内蒙古自治区", "乌海市", "", "121503007013740219");
    let nick = rec("乌海市实中", "内蒙古自治区", "乌海市", "", "121503007013740219");
    assert!(score(&cmp(&school, &nick)) >= 0.85);
}

#[test]
fn branch_veto() {
    let a = rec("合肥市第一人民医院", "安徽省", "合肥市", "", "");
    let b = rec("合肥市第一人民医院滨湖分院", "安徽省", "合肥市", "", "");
    assert!(vetoed(&cmp(&a, &b), "branch"));
}

#[test]
fn different_valid_codes_veto() {
    let a = rec("长岭镇科学技术协会", "", "", "", "91350200776049653A");
    let b = rec("长岭镇科学技术协会", "", "", "", "91440101MA5CJQ4N59");
    assert!(vetoed(&cmp(&a, &b), "credit codes"));
    let c = rec("长岭镇科协", "", "", "", "91350200776049653A");
    assert!(!matches!(cmp(&a, &c), Verdict::Veto(_)));
    assert_eq!(score(&cmp(&a, &c)), 1.0);
}

#[test]
fn different_places_and_levels_veto() {
    let a = rec("漯河市第二中学", "河南省", "漯河市", "", "");
    let b = rec("舞阳二中", "河南省", "漯河市", "舞阳县", "");
    assert!(matches!(cmp(&a, &b), Verdict::Veto(_)));
    let c = rec("安徽省科学技术协会", "安徽省", "", "", "");
    let d = rec("合肥市科学技术协会", "安徽省", "合肥市", "", "");
    assert!(matches!(cmp(&c, &d), Verdict::Veto(_)));
    let n = rec("中国科学技术史学会", "", "", "", "");
    let h = rec("河北省科学技术史学会", "", "", "", "");
    assert!(vetoed(&cmp(&n, &h), "national"));
}

#[test]
fn variants_match() {
    let base = rec("济南市市中区科学技术协会", "山东省", "济南市", "市中区", "");
    for v in [
        "市中区科协",
        "山东省济南市市中区科学技术协会",
        "济南市 市中区科學技術協會",
        "市中区科学技术协会（筹）",
    ] {
        let r = rec(v, "山东省", "济南市", "市中区", "");
        assert_eq!(score(&cmp(&base, &r)), 1.0, "{v}");
    }
    let a = rec("夏县科学技术协会", "山西省", "运城市", "夏县", "");
    let b = rec("夏县科雪技术协会", "山西省", "运城市", "夏县", "");
    assert_eq!(score(&cmp(&a, &b)), 1.0);
    let c = rec("莒县同金智能科技有限责任公司", "山东省", "日照市", "莒县", "");
    let d = rec("莒县同金智能科技公司", "山东省", "日照市", "莒县", "");
    assert!(score(&cmp(&c, &d)) > 0.85);
}

#[test]
fn a_same_sound_slip_still_merges() {
    let merge = crate::dedupe::DedupeOptions::default().merge_threshold;
    for (x, y) in [
        ("邱庄镇科学技术协会", "邱庄振科学技术协会"),
        ("建安区科学技术协会", "建鞍区科学技术协会"),
        ("合肥市化学学会", "合肥市化学学汇"),
    ] {
        let v = cmp_names(x, y);
        assert!(score(&v) >= merge, "{x} / {y}: {v:?}");
        let reasons = texts(&v);
        assert!(reasons.iter().any(|r| r.contains("(same sound")), "{reasons:?}");
    }
    let a = rec("建安区科学技术协会", "河南省", "许昌市", "建安区", "");
    let b = rec("建鞍区科学技术协会", "河南省", "许昌市", "建安区", "");
    let reasons = texts(&cmp(&a, &b));
    assert!(reasons.contains(&"建鞍区 = 建安区 (same sound)".to_string()), "{reasons:?}");
}

#[test]
fn a_different_sound_is_a_full_edit() {
    let merge = crate::dedupe::DedupeOptions::default().merge_threshold;
    let a = rec("邱庄镇科学技术协会", "河北省", "", "", "");
    let b = rec("郭庄镇科学技术协会", "河北省", "", "", "");
    assert!(score(&cmp(&a, &b)) < merge);
    // A slip beside a real difference is no slip: a long shared suffix must not dilute it.
    let s = rec("邱庄振科学技术协会", "河北省", "", "", "");
    assert!(score(&cmp(&s, &b)) < merge);
    // 查 sounds like 察 (cha), 擦 does not (ca): only the first is a slip.
    let c = rec("河北警察职业技术学院科协", "", "", "", "");
    let d = rec("河北警查职业技术学院科协", "", "", "", "");
    let e = rec("河北警擦职业技术学院科协", "", "", "", "");
    assert!(score(&cmp(&c, &d)) > score(&cmp(&c, &e)));
    assert!(score(&cmp(&c, &e)) < merge);
}

#[test]
fn generic_name_with_ambiguous_place_is_review_only() {
    let a = rec("鼓楼区科学技术协会", "", "", "", "");
    let b = rec("鼓楼区科协", "", "", "", "");
    assert!(matches!(cmp(&a, &b), Verdict::Scored { reviewable_only: true, .. }));
}

fn review_only(v: &Verdict) -> bool {
    matches!(v, Verdict::Scored { reviewable_only: true, .. })
}

#[test]
fn a_place_read_from_the_name_refines_coarser_columns() {
    // Rule 1: with only 湖南省 in the columns, 长沙 (市 or 县) can be no reading of 衡阳.
    let a = rec("长沙幼儿师范高等专科学校", "湖南省", "", "", "");
    let b = rec("衡阳幼儿师范高等专科学校", "湖南省", "", "", "");
    assert!(vetoed(&cmp(&a, &b), "regions"), "{:?}", cmp(&a, &b));
    let c = rec("南阳师范学院", "河南省", "", "", "");
    let d = rec("安阳师范学院", "河南省", "", "", "");
    assert!(vetoed(&cmp(&c, &d), "regions"));
    // The same place read at another level is no conflict.
    let e = rec("长沙县幼儿师范高等专科学校", "湖南省", "", "", "");
    assert!(!vetoed(&cmp(&a, &e), "regions"));
}

#[test]
fn the_place_is_the_identity_only_for_kinds_a_division_has_one_of() {
    // Rule 2: a university is not "the university of Hunan"; its place word is its name.
    let a = rec("湖南大学", "湖南省", "", "", "");
    let b = rec("南华大学", "湖南省", "", "", "");
    assert!(matches!(cmp(&a, &b), Verdict::Veto(_)), "{:?}", cmp(&a, &b));
    let c = rec("湖南幼儿师范高等专科学校", "湖南省", "", "", "");
    let d = rec("长沙幼儿师范高等专科学校", "湖南省", "", "", "");
    assert!(matches!(cmp(&c, &d), Verdict::Veto(_)), "a province word is not a city word");
    // 学院 / 职业技术学院 are different kinds.
    let e = rec("晋中学院", "山西省", "", "", "");
    let f = rec("晋中职业技术学院", "山西省", "", "", "");
    assert!(vetoed(&cmp(&e, &f), "kinds"));
    // A higher level added to the same place word is the same name.
    let g = rec("合肥学院", "安徽省", "", "", "");
    let h = rec("安徽省合肥学院", "安徽省", "", "", "");
    assert_eq!(score(&cmp(&g, &h)), 1.0);
    // For a 科协 the place is the identity.
    let i = rec("合肥市科协", "安徽省", "合肥市", "", "");
    let j = rec("安徽省合肥市科学技术协会", "", "", "", "");
    assert_eq!(score(&cmp(&i, &j)), 1.0);
}

#[test]
fn shared_generic_words_do_not_dilute_the_identifying_part() {
    // Rule 3: 铁道 is the whole difference, not 2 characters in 8.
    let review = crate::dedupe::DedupeOptions::default().review_threshold;
    let a = rec("山西职业技术学院", "山西省", "", "", "");
    let b = rec("山西铁道职业技术学院", "山西省", "", "", "");
    assert!(score(&cmp(&a, &b)) < review, "{:?}", cmp(&a, &b));
    let c = rec("湖南大学科学技术协会", "湖南省", "", "", "");
    let d = rec("中南大学科学技术协会", "湖南省", "", "", "");
    assert!(score(&cmp(&c, &d)) < review, "{:?}", cmp(&c, &d));
    let e = rec("吉林职业技术学院科学技术协会", "吉林省", "", "", "");
    let f = rec("吉林体育职业技术学院科学技术协会", "吉林省", "", "", "");
    assert!(score(&cmp(&e, &f)) < review, "{:?}", cmp(&e, &f));
}

#[test]
fn a_difference_in_the_identifying_part_needs_independent_evidence() {
    // Rule 4: a same-sound slip in the identifying words goes to review...
    let a = rec("河北警察职业技术学院科协", "", "", "", "");
    let b = rec("河北警查职业技术学院科协", "", "", "", "");
    let v = cmp(&a, &b);
    assert!(review_only(&v), "{v:?}");
    assert!(texts(&v).iter().any(|r| r.starts_with("identifying words differ")));
    // ... unless the same valid credit code says one unit.
    let (c, d) = (
        rec("河北警察职业技术学院科协", "", "", "", CODE),
        rec("河北警查职业技术学院科协", "", "", "", CODE),
    );
    assert!(!review_only(&cmp(&c, &d)));
    // A shared parent is no such evidence, not even for a slip: siblings share it.
    let (mut e, mut f) = (
        rec("茂名市科技中学", "广东省", "茂名市", "", ""),
        rec("茂名市科继中学", "广东省", "茂名市", "", ""),
    );
    assert!(review_only(&cmp(&e, &f)));
    one_parent(&mut e, &mut f);
    assert!(review_only(&cmp(&e, &f)));
    // Nor for a different character.
    let (mut g, mut h) =
        (rec("南京农业大学", "江苏省", "", "", ""), rec("南京林业大学", "江苏省", "", "", ""));
    one_parent(&mut g, &mut h);
    assert!(score(&cmp(&g, &h)) < 0.85 || review_only(&cmp(&g, &h)));
    // A slip in a division name or a generic word still merges.
    let merge = crate::dedupe::DedupeOptions::default().merge_threshold;
    let i = rec("南澳县第二小学", "广东省", "汕头市", "南澳县", "");
    let j = rec("南澳线第二小学", "广东省", "汕头市", "南澳县", "");
    let v = cmp(&i, &j);
    assert!(score(&v) >= merge && !review_only(&v), "{v:?}");
}

/// Sibling villages of one town, sibling towns of one county, sibling firms and schools under
/// one 科协 share their parent by construction, and their names are often homophones (a surname
/// and 庄, 村, 集 or 屯; a 字号): the real village list holds 李家村 / 栗家村, 燕庄 / 闫庄,
/// 国庄 / 郭庄 and 石庄 / 师庄 of one town each, and 蒋集镇 / 江集镇 of one county made 117 of the
/// 210 wrong merges of 1M generated rows. A shared parent cannot say that a same-sound character
/// is a slip: only the same credit code can. Before, each of these merged at 0.88-0.96 once both
/// records had one parent.
#[test]
fn a_shared_parent_does_not_excuse_a_same_sound_character() {
    for (a, b) in [
        ("滑县牛屯镇李家村村民委员会", "滑县牛屯镇栗家村村民委员会"),
        ("鲁权屯镇燕庄村民委员会", "鲁权屯镇闫庄村民委员会"),
        ("高岭镇李家村卫生室", "高岭镇栗家村卫生室"),
        ("北京华兴科技有限公司", "北京华星科技有限公司"),
        ("滑县李庄中学", "滑县栗庄中学"),
        ("澄城县江集镇科普协会", "澄城县蒋集镇科普协会"),
    ] {
        let (mut x, mut y) = (rec(a, "", "", "", ""), rec(b, "", "", "", ""));
        one_parent(&mut x, &mut y);
        let v = cmp(&x, &y);
        assert!(review_only(&v), "{a} / {b}: {v:?}");
        assert!(texts(&v).iter().any(|r| r.starts_with("identifying words differ")), "{v:?}");
        // The same valid credit code still says one unit.
        let (x, y) = (rec(a, "", "", "", CODE), rec(b, "", "", "", CODE));
        assert!(!review_only(&cmp(&x, &y)), "{a} / {b} with one code");
    }
}

/// Village clinics and community health stations are often run by their township's health
/// centre and filed with its credit code, and a firm's branch or a unit below may borrow the code
/// of the unit above. A shared code then says "one legal entity", while own words that would make
/// two units without it (a place name or a 字号 with a character that sounds different, words
/// two or more characters apart) say two: that conflict goes to review (it may also be one unit
/// renamed). Before, 上庄子村卫生室 / 许庄子村卫生室 / 东庄禾村卫生室 with one code merged at 0.9-1.0.
#[test]
fn a_shared_credit_code_does_not_make_two_place_names_or_trade_names_one() {
    const CODE: &str = "12110228400953310K";
    let review = |a: &str, b: &str| {
        let (x, y) = (rec(a, "北京市", "北京市", "密云区", CODE), rec(b, "北京市", "北京市", "密云区", CODE));
        let v = cmp(&x, &y);
        assert!(review_only(&v), "{a} / {b}: {v:?}");
        assert!(
            texts(&v).iter().any(|r| r.contains("same credit code, but the names look like two units")),
            "{v:?}"
        );
    };
    review("密云区太师屯镇上庄子村卫生室", "密云区太师屯镇许庄子村卫生室");
    review("密云区太师屯镇上庄子村卫生室", "密云区太师屯镇东庄禾村卫生室");
    review("北京世纪博康诊所", "北京世纪众康诊所");
    review("广阳区新源道街道新民社区居民委员会", "广阳区新源道街道和平丽景社区居民委员会");
    review("北京市顺义区北小营镇卫生院榆林社区卫生服务站", "北京市顺义区北小营镇卫生院前鲁社区卫生服务站");
    // A place name with characters added is another place, not a shortening.
    review("密云区太师屯镇李村卫生室", "密云区太师屯镇李家庄村卫生室");
    review("密云区太师屯镇前鲁村村民委员会", "密云区太师屯镇前鲁北庄村村民委员会");
    // The code still makes a slip one unit: a same-sound character, a character dropped, or a
    // name that is no proper name (警察 / 警查).
    let merges = |a: &str, b: &str| {
        let (x, y) = (rec(a, "北京市", "北京市", "密云区", CODE), rec(b, "北京市", "北京市", "密云区", CODE));
        let v = cmp(&x, &y);
        assert!(!review_only(&v), "{a} / {b}: {v:?}");
    };
    merges("密云区太师屯镇燕庄村卫生室", "密云区太师屯镇闫庄村卫生室");
    merges("北京世纪博康科技有限公司", "北京世纪博康技有限公司");
    merges("红安县杏花乡峨花村村民委员会", "红安县杏花乡峨村村民委员会");
    merges("河北警察职业技术学院科协", "河北警查职业技术学院科协");
    // ... and a shortening: words left out, in order.
    merges("北京世纪博康科技有限公司", "北京世纪博康有限公司");
    merges("仁怀市中西医结合医院", "仁怀市中西医院");
    merges("道真仡佬族苗族自治县职业教育中心", "道真仡佬族苗族自治县职教中心");
    merges("盐田区解放街道中心卫生院", "盐田区解放街道中卫生院");
}

#[test]
fn a_place_on_one_side_only_is_for_review_when_nothing_places_the_other() {
    // 鲁艺 / 延安鲁艺 with no region column: the place may be what tells the unit apart.
    let v = cmp_names("延安鲁艺", "鲁艺");
    assert!(review_only(&v), "{v:?}");
    assert!(texts(&v).iter().any(|r| r.contains("only one record says where")), "{v:?}");
    // A column placing the other record makes it an omitted prefix: that still merges.
    let w = cmp(
        &rec("章丘区城关镇小学", "山东省", "济南市", "章丘区", ""),
        &rec("城关镇小学", "山东省", "济南市", "章丘区", ""),
    );
    assert!(!review_only(&w) && score(&w) >= 0.85, "{w:?}");
}

#[test]
fn national_names_opened_by_different_words_are_for_review() {
    let v = cmp_names("中国文联", "全国文联");
    assert!(review_only(&v), "{v:?}");
    assert!(!review_only(&cmp_names("中国文联", "中国文学艺术界联合会")));
}

#[test]
fn a_same_sound_difference_read_as_a_place_on_one_side_only_is_in_the_identifying_words() {
    // 东港 is a city and 东宏 no place: for a company the two are trade names.
    let v = cmp_names("东宏股份", "东港股份");
    assert!(review_only(&v), "{v:?}");
}

#[test]
fn identifying_words_apart_by_a_different_sounding_character_are_different_units() {
    let review = crate::dedupe::DedupeOptions::default().review_threshold;
    let (a, b) = (
        rec("红安县杏花乡峨花村村民委员会", "湖北省", "黄冈市", "红安县", ""),
        rec("红安县杏花乡嶂山村村民委员会", "湖北省", "黄冈市", "红安县", ""),
    );
    let v = cmp(&a, &b);
    assert!(score(&v) < review, "{v:?}");
    assert!(texts(&v).iter().any(|r| r.contains("identifying words differ by 2 character(s)")), "{v:?}");
    // One character of two put for another that sounds different: another village too.
    let c = rec("红安县杏花乡峨山村村民委员会", "湖北省", "黄冈市", "红安县", "");
    assert!(score(&cmp(&a, &c)) < review);
    let (f, g) =
        (rec("鄢陵县张桥镇潘庄村委会", "", "", "", ""), rec("鄢陵县张桥镇罗庄村委会", "", "", "", ""));
    assert!(score(&cmp(&f, &g)) < review, "{:?}", cmp(&f, &g));
    // A one-character town written with 街道 or 地区 is still the town, not the village's words.
    for (x, y) in [
        ("莱芜区口镇街道雪陈村村民委员会", "莱芜区口镇街道马陈村村民委员会"),
        ("顺义区杨镇地区周庄村委会", "顺义区杨镇地区曾庄村委会"),
    ] {
        let v = cmp_names(x, y);
        assert!(score(&v) < review, "{v:?}");
    }
    // One of four is a pair to look at (技术 / 技能).
    let (h, i) = (rec("中国科学技术大学", "", "", "", ""), rec("中国科学技能大学", "", "", "", ""));
    let w = cmp(&h, &i);
    assert!(score(&w) >= review && review_only(&w), "{w:?}");
    // A same-sound slip or a dropped character is still a pair to look at.
    let d = rec("红安县杏花乡鹅花村村民委员会", "湖北省", "黄冈市", "红安县", "");
    let w = cmp(&a, &d);
    assert!(score(&w) >= review, "{w:?}");
    let e = rec("红安县杏花乡峨村村民委员会", "湖北省", "黄冈市", "红安县", "");
    let w = cmp(&a, &e);
    assert!(score(&w) >= review && review_only(&w), "{w:?}");
    assert_eq!(differing_identity_chars("首都医科大学附属北京地坛", "首都医科大学附属北京潞河"), (2, true));
    assert_eq!(differing_identity_chars("明汇矿业科技", "明汇矿夜科技"), (0, false));
    assert_eq!(differing_identity_chars("明汇矿业", "明矿业"), (1, false));
    // Two slips with a shared character between them: the shared one is no difference (it was
    // counted as one, and 航伯机械 / 航博机谢 read as two firms).
    assert_eq!(differing_identity_chars("航伯机械", "航博机谢"), (0, false));
    assert_eq!(differing_identity_chars("上庄子", "许庄禾"), (2, true));
}

/// A village's or a community's own words are a place name: one character of four or more put
/// for one that sounds different is another place (the one-in-three rule above is for other
/// units, whose longer words may hold a slip of another kind).
#[test]
fn a_settlement_named_with_one_different_sounding_character_is_another_place() {
    let review = crate::dedupe::DedupeOptions::default().review_threshold;
    for (x, y) in [
        ("荣成市夏庄镇甲夼马家村委会", "荣成市夏庄镇甲夼曲家村委会"),
        ("宁城县右北平镇四道营子村民委员会", "宁城县右北平镇头道营子村民委员会"),
        ("盈江县盈江农场盈新社区居民委员会", "盈江县盈江农场盈胶社区居民委员会"),
        ("平谷区太师屯镇上庄子村卫生室", "平谷区太师屯镇许庄子村卫生室"),
    ] {
        let v = cmp_names(x, y);
        assert!(score(&v) < review, "{x} / {y}: {v:?}");
    }
    // A same-sound slip or a dropped character there is still a pair to look at.
    for (x, y) in [
        ("荣成市夏庄镇甲夼马家村委会", "荣成市夏庄镇甲夼玛家村委会"),
        ("滑县牛屯镇小王庄村民委员会", "滑县牛屯镇小王村民委员会"),
    ] {
        let v = cmp_names(x, y);
        assert!(score(&v) >= review && review_only(&v), "{x} / {y}: {v:?}");
    }
}

/// Clinics of one village numbered after their kind word are different units (bench/real/clinics).
#[test]
fn units_numbered_after_their_kind_word_are_different_units() {
    let name = |n: &str| rec(&format!("北京市昌平区流村镇瓦窑村卫生室{n}"), "北京市", "北京市", "昌平区", "");
    for (x, y) in [("1", "2"), ("1", ""), ("", "2")] {
        let v = cmp(&name(x), &name(y));
        assert!(matches!(v, Verdict::Veto(Reason::DifferentOrdinals { .. })), "{x} / {y}: {v:?}");
    }
}

/// Found on the real clinic list: the general names of medical institutions (诊所, 中医诊所,
/// 门诊部…) are kind words, so a clinic's own words are its 字号; and two names whose kind words
/// differ by a qualifier (诊所 / 中医诊所) still have their identifying words compared: the two
/// clinics below merged at 0.86.
#[test]
fn clinics_are_told_apart_by_their_own_words() {
    let review = crate::dedupe::DedupeOptions::default().review_threshold;
    let v = cmp_names("北京卓健诊所", "北京卓康诊所");
    assert!(score(&v) < review, "{v:?}");
    let v = cmp_names("北京美芽口腔诊所", "北京美尔口腔诊所");
    assert!(score(&v) < review, "{v:?}");
    let (a, b) = (
        rec("北京九州同泰医药有限公司济世惠生诊所", "北京市", "", "", ""),
        rec("北京九州同泰医药有限公司济世民康中医诊所", "北京市", "", "", ""),
    );
    let v = cmp(&a, &b);
    assert!(review_only(&v) || score(&v) < review, "{v:?}");
    // A clinic's category is its kind (诊所基本标准): a company's 中医诊所 and its 诊所 are two
    // units, not one kind word written short (they merged at 1.0 when 中医 read as a qualifier).
    let v = cmp_names("北京某某商贸有限公司中医诊所", "北京某某商贸有限公司诊所");
    assert!(matches!(v, Verdict::Veto(_)), "{v:?}");
    // A form written without its qualifier is still the same name (公司 / 有限公司).
    let v = cmp_names("安康正新精密机械科技公司", "安康正新精密机械科技有限公司");
    assert!(!review_only(&v), "{v:?}");
}

/// A company's or a clinic's own words are its 字号: one character of it put for one that sounds
/// different is another firm at any length; a same-sound slip is still a pair to look at.
#[test]
fn a_trade_name_with_one_different_sounding_character_is_another_firm() {
    let review = crate::dedupe::DedupeOptions::default().review_threshold;
    for (x, y) in [
        ("北京康泰健安诊所", "北京康泰健平诊所"),
        ("深圳市华创信达电子有限公司", "深圳市华创信远电子有限公司"),
    ] {
        let v = cmp_names(x, y);
        assert!(score(&v) < review, "{x} / {y}: {v:?}");
    }
    let v = cmp_names("深圳市华创信达电子有限公司", "深圳市华创信答电子有限公司");
    assert!(score(&v) >= review && review_only(&v), "{v:?}");
}

#[test]
fn a_name_that_is_only_a_kind_never_merges_automatically() {
    // Rule 5: 交通大学 with no place (marked by the directory pass) is any of them.
    // Filed under 上海市, 交通大学 may be that one written short.
    let a = rec("上海交通大学", "", "", "", "");
    let mut b = rec("交通大学", "上海市", "", "", "");
    assert!(!review_only(&cmp(&a, &b)));
    b.feat.kind_only = true;
    let v = cmp(&a, &b);
    assert!(review_only(&v), "{v:?}");
    assert!(texts(&v).iter().any(|r| r.contains("only a kind")));
    // The same valid credit code names the unit the name does not.
    let c = rec("上海交通大学", "", "", "", CODE);
    let mut d = rec("交通大学", "", "", "", CODE);
    d.feat.kind_only = true;
    assert!(!review_only(&cmp(&c, &d)));
}

#[test]
fn a_town_without_its_county_is_any_town_of_that_name() {
    let a = rec("城关镇科学技术协会", "", "", "", "");
    let b = rec("城关镇科协", "", "", "", "");
    assert!(review_only(&cmp(&a, &b)));
    let c = rec("城关镇科学技术协会", "甘肃省", "天水市", "武山县", "");
    let d = rec("城关镇科协", "甘肃省", "天水市", "武山县", "");
    assert!(!review_only(&cmp(&c, &d)));
    // 乡 became 镇: the same town.
    let e = rec("朱巷乡科学技术协会", "", "", "", "");
    let f = rec("武山县朱巷镇科学技术协会", "", "", "", "");
    assert!(review_only(&cmp(&e, &f)));
}

/// Found on 1M generated rows: one town's 乡 beside its 镇 under one county's association
/// (严店乡 / 严店镇), and a town's 卫生院 beside its 社区卫生服务中心, merged on their names (with
/// the shared parent): 1,455 of the run's 1,547 wrong merges. Each may be one unit renamed or two
/// units: a person decides, unless a shared credit code does.
#[test]
fn another_town_word_or_kind_word_goes_to_review_unless_a_credit_code_decides() {
    for (x, y) in [
        ("严店镇科学技术协会", "严店乡科学技术协会"),
        ("沁水县朱巷乡卫生院", "沁水县朱巷乡社区卫生服务中心"),
        ("孟州市谷旦镇科学技术协会", "孟州市谷旦街道科学技术协会"),
    ] {
        let (mut a, mut b) =
            (rec(x, "河南省", "焦作市", "孟州市", ""), rec(y, "河南省", "焦作市", "孟州市", ""));
        one_parent(&mut a, &mut b);
        let v = cmp(&a, &b);
        assert!(review_only(&v), "{x} / {y}: {v:?}");
        assert!(texts(&v).iter().any(|r| r.contains("renamed, or two")), "{x} / {y}: {:?}", texts(&v));
        let (c, d) = (rec(x, "河南省", "焦作市", "孟州市", CODE), rec(y, "河南省", "焦作市", "孟州市", CODE));
        assert!(!review_only(&cmp(&c, &d)), "{x} / {y} with one credit code");
    }
    // A kind word without its qualifier is the same word shortened (公司 for 有限公司): no review
    // on that account.
    let (e, f) = (
        rec("孟州市合科软件科技公司", "河南省", "焦作市", "孟州市", ""),
        rec("孟州市合科软件科技有限公司", "河南省", "焦作市", "孟州市", ""),
    );
    let v = cmp(&e, &f);
    assert!(!review_only(&v), "{v:?}");
    assert!(!texts(&v).iter().any(|r| r.contains("renamed, or two")), "{:?}", texts(&v));
}
