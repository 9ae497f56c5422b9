//! Unit tests of name parsing (`normalize`), one per step.

use super::*;

#[test]
fn simplified_table_is_the_crates_conversion() {
    let expected = simplified_table_from_crate();
    if std::env::var_os("ORGCLEAN_BLESS").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/data/simplified_chars.txt"), &expected).unwrap();
    }
    assert!(SIMPLIFIED_TABLE == expected, "data/simplified_chars.txt is stale: rerun with ORGCLEAN_BLESS=1");
    assert_eq!(simplified_char('國'), Some('国'));
    assert_eq!(simplified_char('国'), Some('国'));
    assert_eq!(simplified_char('、'), Some('、'));
}

#[test]
fn cjk_ideographs_are_alphanumeric() {
    let mut n = 0;
    for c in CJK_TABLE.filter_map(char::from_u32).filter(|&c| is_cjk_ideograph(c)) {
        assert!(c.is_alphanumeric(), "U+{:04X}", c as u32);
        n += 1;
    }
    assert_eq!(n, 0x4DBF - 0x3400 + 1 + 0x9FFF - 0x4E00 + 1);
    assert!(!is_cjk_ideograph('䷀'), "U+4DC0, a hexagram symbol, is no letter");
    assert_eq!(strip_punctuation("合肥·第一(中学)a-1"), "合肥第一中学A1");
}

#[test]
fn plain_names_unify_as_the_full_path() {
    let full = |name: &str| {
        let mut notes = Vec::new();
        (unify_full(name, &mut notes), notes)
    };
    // Every character the fast path takes, alone and inside a name.
    let mut taken = 0;
    for code in (0..0x80).chain(CJK_TABLE) {
        let Some(c) = char::from_u32(code) else { continue };
        let name = format!("A{c}合肥<1>");
        if let Some(plain) = unify_plain(&name) {
            taken += 1;
            assert_eq!((plain, Vec::<&str>::new()), full(&name), "U+{code:04X}");
        }
    }
    assert!(taken > 20_000, "{taken}");
    assert_eq!(unify_plain("合肥[一中]").as_deref(), Some("合肥(一中)"));
    for other in ["合肥 一中", "國立", "合肥（一中）", "ＡＢ", "合肥\u{3000}", "合\tB"] {
        assert_eq!(unify_plain(other), None, "{other}");
    }
    assert_eq!(simplified_char('國'), Some('国'));
}

fn p(s: &str) -> NameParts {
    parse(s, Gazetteer::global())
}

#[test]
fn full_width_and_spaces_fold() {
    assert_eq!(fold("合肥市　科学技术 协会"), "合肥市科学技术协会");
    assert_eq!(fold("ＡＢＣ科技（合肥）有限公司"), "ABC科技合肥有限公司");
    assert_eq!(p("济南市 科协").key, p("济南市科学技术协会").key);
}

#[test]
fn traditional_folds_to_simplified() {
    assert_eq!(p("安徽省科學技術協會").key, p("安徽省科学技术协会").key);
    assert_eq!(*p("安徽省科學技術協會").folding, ["traditional characters"]);
    assert_eq!(fold("辽宁省宏伟区"), "辽宁省宏伟区", "simplified characters are never converted");
}

#[test]
fn brackets_unify_and_provisional_markers_strip() {
    for v in [
        "普洱市科学技术协会（筹）",
        "普洱市科学技术协会(筹)",
        "普洱市科学技术协会【筹备】",
        "普洱市科学技术协会筹备组",
        "普洱市科学技术协会筹委会",
        "普洱市科学技术协会（筹备）",
    ] {
        let n = p(v);
        assert!(n.provisional, "{v}");
        assert_eq!(&*n.key, "普洱市科学技术协会", "{v}");
    }
    assert!(!p("城乡统筹").provisional);
}

#[test]
fn abbreviations_expand() {
    assert_eq!(p("上海市科协").key, p("上海市科学技术协会").key);
    assert_eq!(&*p("四平市科技馆").key, "四平市科学技术馆");
    assert_eq!(p("合肥市老科协").key, p("合肥市老科技工作者协会").key);
    assert_eq!(p("中国农大").key, p("中国农业大学").key);
    assert_eq!(*p("肥西科协").expansions, [("科协", "科学技术协会")]);
}

#[test]
fn kind_words_written_short_after_the_place_expand() {
    assert_eq!(p("湖南师大").key, p("湖南师范大学").key);
    assert_eq!(p("温州医大").key, p("温州医科大学").key);
    assert_eq!(p("上海第二工大").key, p("上海第二工业大学").key);
    assert_eq!(*p("湖南师大").expansions, [("师大", "师范大学")]);
    assert_eq!(p("六盘水幼儿师范高专").key, p("六盘水幼儿师范高等专科学校").key);
    // Elsewhere the same two characters belong to other words: never expanded there.
    assert_eq!(&*p("合肥市职工大学").key, "合肥市职工大学");
    assert_eq!(&*p("合肥市施工大队").key, "合肥市施工大队");
    assert_eq!(&*p("合肥市兽医大队").key, "合肥市兽医大队");
    // No place, nothing to stand after: a bare 师大 stays as written.
    assert!(p("师大附中").key.starts_with("师大"));
    assert_eq!(&*p("高专").key, "高专");
}

#[test]
fn region_prefix_full_and_short() {
    let a = p("安徽省合肥市肥西县科学技术协会");
    assert_eq!(a.region_text(), "安徽省合肥市肥西县");
    assert_eq!(a.region.county, Some(340123));
    assert_eq!(a.body(), "科学技术协会");
    assert!(a.is_region_association());
    let b = p("肥西科协");
    assert_eq!(b.region.county, Some(340123));
    assert_eq!(b.body(), a.body());
    let n = p("中国科学技术协会");
    assert!(n.national && n.is_region_association());
    assert!(p("城关镇科普协会").mentions.is_empty());
    // A short place with one character after it that is no kind word opens an abbreviation
    // (北林大 for 北京林业大学), not 北林区's 大; with a kind word it is that place's unit.
    assert!(p("北林大").mentions.is_empty());
    assert_eq!(p("肥西局").region.county, Some(340123));
}

#[test]
fn ordinals_are_canonical() {
    let a = p("伊春市第一中学");
    assert_eq!(a.ordinal, Some(1));
    assert_eq!(p("伊春一中").body(), a.body());
    assert_eq!(p("伊春市第1中学").body(), a.body());
    assert_eq!(p("伊春市1中").body(), a.body());
    assert_eq!(p("伊春市第十一中学").ordinal, Some(11));
    assert_eq!(p("伊春市十一中").ordinal, Some(11));
    assert_eq!(&*a.core, "");
    assert_eq!(a.suffix, Some("中学"));
    assert_eq!(&*p("七星区第二人民医院").core, "人民");
}

#[test]
fn suffix_and_kind() {
    let u = p("中国科学技术大学");
    let a = p("中国科学技术协会");
    assert_eq!(u.suffix_kind, Some("university"));
    assert_eq!(a.suffix_kind, Some("science_association"));
    let c = p("云南佳兴新能源集团有限公司科学技术协会");
    assert_eq!(c.suffix_kind, Some("science_association"));
    assert_eq!(&*c.core, "佳兴新能源集团有限公司");
    assert_eq!(p("云南佳兴新能源集团有限公司").suffix_kind, Some("company"));
}

#[test]
fn one_typo_in_a_long_generic_suffix_is_corrected() {
    let n = p("夏县科雪技术协会");
    assert_eq!(n.body(), "科学技术协会");
    assert_eq!(n.suffix_typo.as_deref(), Some("科雪技术协会"));
    assert_eq!(n.suffix_kind, Some("science_association"));
    assert_eq!(p("临沧市苛学技术馆").suffix_kind, Some("museum"));
    assert!(p("合肥市科学技术协会").suffix_typo.is_none());
}

/// Found on the real village list: 花园村村民委员会会, the suffix's last character typed twice,
/// was read without a kind word, so its village name was never compared as one.
#[test]
fn a_suffix_with_its_last_character_typed_twice_is_read_as_the_suffix() {
    let n = p("韶山市清溪镇花园村村民委员会会");
    assert_eq!(n.suffix_kind, Some("village_committee"));
    assert_eq!(n.suffix_typo.as_deref(), Some("村民委员会会"));
    assert_eq!(n.key, p("韶山市清溪镇花园村村民委员会").key);
    // Only a suffix of three characters or more, and not one the name ends with as written.
    assert!(p("某某学会会").suffix_typo.is_none());
    assert!(p("某某村民委员会").suffix_typo.is_none());
    assert!(p("某某县科协协").suffix_typo.is_none());
}

#[test]
fn an_ordinal_marker_typed_with_the_same_sound_is_repaired() {
    let a = p("武威市第一中学");
    for v in ["武威市递一中学", "武威市弟一中学", "武威市地一中学"] {
        let n = p(v);
        assert_eq!((&*n.key, n.ordinal), (&*a.key, Some(1)), "{v}");
        assert_eq!(n.sound_slips.len(), 1, "{v}");
    }
    assert_eq!(p("荆州市地一人民医院").ordinal, Some(1));
    assert_eq!(*p("荆州市地一人民医院").sound_slips, [("地一".to_string(), "第一".to_string())]);
    // Not before a numeral, or a name that has its own 第: no repair.
    assert!(p("武威市低压电器有限公司").sound_slips.is_empty());
    assert_eq!(p("武威市第二地一中学").ordinal, Some(2));
}

#[test]
fn a_division_name_with_one_same_sound_slip_is_read_as_the_division() {
    for (slip, meant) in [
        ("西安市场安区蔡家乡科普协会", "西安市长安区蔡家乡科普协会"),
        ("六鞍市第二中学", "六安市第二中学"),
        ("北晶市科学技术协会", "北京市科学技术协会"),
    ] {
        let n = p(slip);
        assert_eq!(n.key, p(meant).key, "{slip}");
        assert_eq!(n.region, p(meant).region, "{slip}");
        assert_eq!(n.sound_slips.len(), 1, "{slip}");
    }
    // A real name is never rewritten, nor a different sound.
    assert!(p("西安市长安区科学技术协会").sound_slips.is_empty());
    assert!(p("六盘市第二中学").sound_slips.is_empty());
}

#[test]
fn a_short_form_left_with_a_slip_is_repaired_only_in_an_association_name() {
    for (slip, meant) in
        [("亳州式科学技术协会", "亳州市科学技术协会"), ("安徽省亳州式科协", "安徽省亳州市科协")]
    {
        let n = p(slip);
        assert_eq!((&*n.key, n.region), (&*p(meant).key, p(meant).region), "{slip}");
        assert_eq!(*n.sound_slips, [("亳州式".to_string(), "亳州市".to_string())], "{slip}");
    }
    // 世 sounds like 市, but 世纪 is a word of the name.
    assert!(p("合肥世纪中学").sound_slips.is_empty());
    assert!(p("亳州式样协会").sound_slips.is_empty());
}

#[test]
fn stems_drop_generic_words() {
    assert_eq!(&*p("河北警察职业技术学院科学技术协会").stem, "警察");
    assert_eq!(&*p("邱庄镇科学技术协会").stem, "邱庄");
    assert_eq!(&*p("山东慧瑞食品有限公司科学技术协会").stem, "慧瑞食品");
    assert_eq!(&*p("合肥市科学技术协会").stem, "");
}

#[test]
fn towns_in_the_core() {
    assert_eq!(p("城关镇科学技术协会").town.as_deref(), Some("城关镇"));
    assert_eq!(p("武山县朱巷镇科协").town.as_deref(), Some("朱巷镇"));
    assert_eq!(p("城关镇中心小学").town.as_deref(), Some("城关镇"));
    assert_eq!(p("城乡规划学会").town, None);
    assert_eq!(p("合肥市科学技术协会").town, None);
    assert!(p("合肥市科学技术协会").one_per_place);
    assert!(!p("湖南大学").one_per_place);
}

#[test]
fn every_branch_marker_opens_with_a_character_parse_looks_for() {
    assert!(BRANCH_MARKERS.iter().all(|m| m.starts_with(['分', '支'])));
}

#[test]
fn every_town_word_opens_with_a_character_town_of_looks_for() {
    assert!(GENERIC_TAIL_WORDS.iter().all(|m| m.starts_with(['镇', '乡', '街'])));
    assert_eq!(town_of("回龙乡中心小学").as_deref(), Some("回龙乡"));
    assert_eq!(town_of("口镇街道雪陈村").as_deref(), Some("口镇街道"));
    assert_eq!(town_of("光明中学"), None);
}

#[test]
fn branch_markers() {
    assert_eq!(p("中国电子学会嵌入式分会").branch.as_deref(), Some("电子学会嵌入式分会"));
    assert_eq!(p("合肥市第一人民医院滨湖分院").branch.as_deref(), Some("第1人民医院滨湖分院"));
    assert!(p("合肥市第一人民医院").branch.is_none());
    assert!(p("某某科技有限公司合肥分公司").branch.is_some());
}

/// Found on the real clinic list (bench/real/clinics): 瓦窑村卫生室1 and 瓦窑村卫生室2 are two
/// clinics of one village; read without a kind word, either merged with 瓦窑村卫生室.
#[test]
fn digits_after_a_kind_word_number_the_unit() {
    let (one, two, plain) =
        (p("昌平区流村镇瓦窑村卫生室1"), p("昌平区流村镇瓦窑村卫生室2"), p("昌平区流村镇瓦窑村卫生室"));
    assert_eq!((one.ordinal, two.ordinal, plain.ordinal), (Some(1), Some(2), None));
    assert_eq!(one.suffix, Some("卫生室"));
    assert_eq!((&*one.stem, &*plain.stem), ("流村镇瓦窑村", "流村镇瓦窑村"));
    assert_eq!(p("某某县第十二中学").ordinal, p("某某县中学12").ordinal);
    // Not after a name without a kind word, nor a long run of digits (a code, a phone number).
    assert_eq!(p("某某县瓦窑村1").ordinal, None);
    assert_eq!(p("某某县科学技术协会2020").ordinal, None);
}

/// The region prefix and the body are the two halves of the key (one string, not three), and a
/// parsed name stays small: a million of them are held through the whole dedupe, and each byte
/// here is a megabyte of memory the kernel must hand over and zero.
#[test]
fn region_and_body_split_the_key_and_a_parsed_name_stays_small() {
    for (name, region, body) in [
        ("合肥市科学技术协会", "合肥市", "科学技术协会"),
        ("安徽省合肥市第一中学", "安徽省合肥市", "第1中学"),
        ("第五中学（白银市）", "白银市", "第5中学"),
        ("同济大学", "", "同济大学"),
        ("中国科学技术协会", "中国", "科学技术协会"),
    ] {
        let n = p(name);
        assert_eq!((n.region_text(), n.body()), (region, body), "{name}");
        assert_eq!(&*n.key, format!("{region}{body}"), "{name}");
    }
    let size = std::mem::size_of::<NameParts>();
    assert!(size <= 256, "NameParts grew to {size} bytes");
}
