//! Short-form rules, one test or more each.

use super::*;
use crate::geo::Gazetteer;
use crate::normalize::parse;

fn p(s: &str) -> NameParts {
    parse(s, Gazetteer::global())
}

fn fits(short: &str, long: &str) -> Option<Fit> {
    fit(&p(short), &p(long))
}

#[test]
fn a_short_form_opens_the_words_of_the_full_name() {
    let f = fits("北理工", "北京理工大学").unwrap();
    assert_eq!((f.cost, f.kept.as_str(), f.opened.as_str()), (0, "北|理工", "北京|理工"));
    assert_eq!(fits("中国足协", "中国足球协会").unwrap().opened, "中国|足球|协会");
    assert_eq!(fits("哈工程", "哈尔滨工程大学").unwrap().cost, 0);
    assert_eq!(fits("北航", "北京航空航天大学").unwrap().trailing, 1);
    assert_eq!(fits("人大", "中国人民大学").unwrap().cost, 0);
    // The kind word's last character may close it.
    assert_eq!(fits("西安体院", "西安体育学院").unwrap().opened, "西安|体育|学院");
    assert!(fits("西安育院", "西安体育学院").is_none(), "育 does not open 体育");
    // A trade word's last character may close it too, after a kept word.
    assert_eq!(fits("台泥", "臺灣水泥股份有限公司").unwrap().opened, "台湾|水泥");
    assert_eq!(fits("裕日車", "裕隆日產汽車股份有限公司").unwrap().opened, "裕隆|日产|汽车");
    assert!(fits("泥", "台湾水泥股份有限公司").is_none(), "nothing kept before it");
    // Characters in order but not opening words: 师大 does not open 京师 / 范大.
    assert!(fits("京范", "北京师范大学").is_none());
    assert!(fits("大师", "北京师范大学").is_none(), "out of order");
}

#[test]
fn a_brand_is_the_company_name_without_region_and_form() {
    let f = fits("格力电器", "珠海格力电器股份有限公司").unwrap();
    assert_eq!((f.cost, f.trailing), (0, 0));
    assert_eq!(fits("海康威视", "杭州海康威视数字技术股份有限公司").unwrap().trailing, 2);
    assert_eq!(fits("中国石化", "中国石油化工股份有限公司").unwrap().cost, 0);
    assert_eq!(fits("浦发银行", "上海浦东发展银行股份有限公司").unwrap().cost, 0);
    // The form word kept, the trade dropped before it.
    assert_eq!(fits("星徽股份", "广东星徽精密制造股份有限公司").unwrap().cost, 0);
    // Trade words are split off an odd-length 字号 before it is cut in two.
    assert_eq!(fits("梦网科技", "梦网云科技集团股份有限公司").unwrap().cost, 1);
}

#[test]
fn skipping_an_identifying_word_costs() {
    assert_eq!(fits("北大", "北京大学").unwrap().cost, 0);
    assert_eq!(fits("海康数字", "杭州海康威视数字技术股份有限公司").unwrap().cost, 1);
    assert!(fits("数字", "杭州海康威视数字技术股份有限公司").is_none(), "two identifying words skipped");
    // 字号 and trade, the qualifier of the trade between them left out as one word.
    assert_eq!(fits("容百科技", "宁波容百新能源科技股份有限公司").unwrap().cost, 1);
    assert_eq!(fits("大恒科技", "大恒新纪元科技股份有限公司").unwrap().opened, "大恒|科技");
    assert!(fits("宁波科技", "宁波容百新能源科技股份有限公司").is_none(), "a place and a trade name nothing");
    // The trade word may be opened only, when it ends the short form (遠東|銀 for 遠東|國際|商業|銀行).
    assert_eq!(fits("遠東銀", "遠東國際商業銀行股份有限公司").unwrap().opened, "远东|银行");
    assert!(fits("容科技", "宁波容百新能源科技股份有限公司").is_none(), "the 字号 cut: words skipped count");
    // A short form keeps some identifying word of a name that has one.
    assert!(fits("北大", "北京师范大学").is_none());
    // Dropping the kind ranks after keeping it: the university before its own 科协.
    let university = fits("华南师大", "华南师范大学").unwrap();
    let association = fits("华南师大", "华南师范大学科学技术协会").unwrap();
    assert!(university.rank() < association.rank());
}

#[test]
fn a_name_with_its_own_kind_word_abbreviates_by_cutting_two_words() {
    let f = fits("郑铁局", "郑州铁路局").unwrap();
    assert_eq!((f.kept.as_str(), f.opened.as_str()), ("郑|铁|局", "郑州|铁路|局"));
    assert!(fits("民航局", "中国民用航空管理局").is_some());
    assert!(fits("中远公司", "中国远洋运输总公司").is_some());
    // Another kind: not an abbreviation of this name.
    assert!(fits("郑铁局", "郑州铁路公司").is_none());
    // Whole words kept and others left out, or one word cut: another unit of the kind.
    assert!(fits("东风村民委员会", "东风岭村民委员会").is_none());
    assert!(fits("湖南工学院", "湖南工程学院").is_none());
    // Its place is opened whole, and a place with a kind is no abbreviation.
    assert!(fits("上海大学", "上海海洋大学").is_none());
    assert!(fits("威海职业学院", "威海海洋职业学院").is_none());
    // Only place words cut: a place written short.
    assert!(fits("重大科协", "重庆市大足区科协").is_none());
}

#[test]
fn a_name_typed_without_its_form_is_for_review() {
    let dropped = |a: &str, b: &str| form_dropped(&p(a), &p(b)).map(|r| r.to_string());
    assert_eq!(
        dropped("江苏常青树新材料科技股份有限公司", "江苏常青树新材料科技").as_deref(),
        Some("江苏常青树新材料科技 is the other name without 股份有限公司")
    );
    assert!(dropped("康佳集团", "康佳集团股份有限公司").is_some(), "either order");
    assert_eq!(
        dropped("朗迪集团", "浙江朗迪集团股份有限公司").as_deref(),
        Some("朗迪集团 is the other name without 浙江 and 股份有限公司")
    );
    // A region of its own in the shorter: another unit's name, not this one typed short.
    assert!(dropped("江苏朗迪集团", "浙江朗迪集团股份有限公司").is_none());
    // A whole name of its own kind, a unit's association, a place: other units.
    assert!(dropped("清华大学", "清华大学出版社").is_none());
    assert!(dropped("中国石油大学（华东）", "中国石油大学（华东）科学技术协会").is_none());
    assert!(dropped("新疆医大", "新疆医大科协").is_none());
    assert!(dropped("城关镇", "城关镇中学").is_none());
    assert!(dropped("某某县东风村", "某某县东风村卫生室").is_none());
    // Nothing but the place and the kind: nothing identifies the shorter.
    assert!(dropped("北京", "北京有限公司").is_none());
}

#[test]
fn a_name_with_its_own_kind_word_is_a_full_name() {
    assert!(fits("山东大学", "山东师范大学").is_none());
    assert!(fits("交通协会", "上海市交通运输协会").is_none());
    assert!(!may_be_short(&p("中国矿业大学（北京）")));
    assert!(!may_be_short(&p("北京")), "a place alone");
    assert!(fits("格力电器", "格力电器").is_none(), "not shorter");
}
#[test]
fn a_province_may_be_opened_by_its_one_character_name() {
    assert_eq!(fits("川航", "四川航空公司").unwrap().opened, "四川|航空");
    assert_eq!(fits("粤高速", "广东省高速公路发展股份有限公司").unwrap().kept, "粤|高速");
    assert!(in_order_opening("粤高速", &p("广东省高速公路发展股份有限公司")));
    assert!(!in_order_opening("粤高速", &p("广州高速公路发展股份有限公司")), "a city has none");
    assert!(fits("川航", "成都航空有限公司").is_none(), "成都 is in 四川, but not named");
    // Not by a short form with a kind word of its own: 闽江学院 is no short form of 福建江夏学院.
    assert!(fits("闽江学院", "福建江夏学院").is_none());
}
#[test]
fn a_development_zone_after_the_place_is_dropped_like_the_place() {
    let full = p("苏州工业园区和顺电气股份有限公司");
    assert_eq!(zone_after_place(&full), "工业园区");
    assert_eq!(fits("和顺电气", "苏州工业园区和顺电气股份有限公司").unwrap().cost, 0);
    assert!(candidates::anchors(&full).any(|(_, c)| c == '和'), "looked up by the word after the zone");
    // Nothing after the zone but the kind: the zone is the name.
    assert_eq!(zone_after_place(&p("苏州工业园区科学技术协会")), "");
    assert_eq!(zone_after_place(&p("和顺电气股份有限公司")), "", "no place");
}
#[test]
fn a_groups_short_name_keeps_its_group_word() {
    assert!(may_be_short(&p("雅化集团")));
    assert_eq!(fits("雅化集团", "四川雅化实业集团股份有限公司").unwrap().opened, "雅化|集团");
    assert_eq!(fits("江盐集团", "江西省盐业集团股份有限公司").unwrap().cost, 0);
    // Its group word must be found in the full name.
    assert!(fits("雅化集团", "四川雅化实业股份有限公司").is_none());
    assert!(!may_be_short(&p("雅化有限公司")), "a legal form is a kind word of its own");
}
