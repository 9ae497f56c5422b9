//! A division name typed with one same-sound slip (场安区 for 长安区, 六鞍市 for 六安市, 北晶市
//! for 北京市): the region prefix is read as the division when the repaired text continues the
//! chain of mentions. Only full names (with their 市/区/县…) are repaired: a short form is too
//! close to ordinary words.

use std::sync::OnceLock;

use super::sound::{same_sound, CJK_FIRST, CJK_LAST};
use crate::geo::{Gazetteer, RegionMention};

/// Division names are at most this many characters long in practice (道真仡佬族苗族自治县).
const MAX_NAME_CHARS: usize = 12;

/// Full division names by length and one of their first two characters. A name written with
/// one slip keeps its first character (slip elsewhere) or its second (slip in the first), so
/// its candidates are the names filed under either of those; `one_slip` then keeps the right
/// ones. This finds exactly the names one same-sound slip away, with no pinyin work per window.
struct SlipIndex {
    /// (length in characters, character, is it the second) → names, sorted.
    by_lead: ahash::AHashMap<(usize, char, bool), Vec<String>>,
    /// Per CJK character: an administrative ending or sounds like one (限 for 县).
    ending_like: Vec<bool>,
}

fn index(g: &Gazetteer) -> &'static SlipIndex {
    static INDEX: OnceLock<SlipIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut by_lead: ahash::AHashMap<(usize, char, bool), Vec<String>> = ahash::AHashMap::new();
        for d in g.divisions() {
            let chars: Vec<char> = d.name.chars().collect();
            if chars.len() < 2 {
                continue;
            }
            for (c, second) in [(chars[0], false), (chars[1], true)] {
                let names = by_lead.entry((chars.len(), c, second)).or_default();
                if !names.contains(&d.name) {
                    names.push(d.name.clone());
                }
            }
        }
        for names in by_lead.values_mut() {
            names.sort();
        }
        let ending_like = (CJK_FIRST..=CJK_LAST)
            .map(|cp| {
                char::from_u32(cp).is_some_and(|c| ADMIN_ENDINGS.iter().any(|&e| e == c || same_sound(e, c)))
            })
            .collect();
        SlipIndex { by_lead, ending_like }
    })
}

/// Last characters of full division names; a window is only tried if it ends with one of them
/// or with a character that sounds like one (魏限 for 魏县).
const ADMIN_ENDINGS: &[char] = &['省', '市', '区', '县', '旗', '州', '盟'];

/// `written` is `name` with exactly one same-sound slip.
fn one_slip(written: &str, name: &str) -> bool {
    let pairs: Vec<(char, char)> = written.chars().zip(name.chars()).filter(|(w, n)| w != n).collect();
    written.chars().count() == name.chars().count() && pairs.len() == 1 && same_sound(pairs[0].0, pairs[0].1)
}

/// After the mentions read so far (ending at byte `end` of `text`), a division name written with
/// one slip that the gazetteer then reads as the next mention: the repaired text, its mentions
/// and the slip as written → meant.
pub fn repair(
    text: &str,
    mentions: &[RegionMention],
    g: &Gazetteer,
) -> Option<(String, Vec<RegionMention>, (String, String))> {
    let end = mentions.last().map_or(0, |m| m.end);
    let rest = &text[end..];
    let bounds: Vec<usize> =
        rest.char_indices().map(|(i, c)| i + c.len_utf8()).take(MAX_NAME_CHARS).collect();
    let index = index(g);
    // Longest first, like the gazetteer's own reading.
    for &len in bounds.iter().skip(1).rev() {
        let written = &rest[..len];
        let mut chars = written.chars();
        let (Some(first), Some(second), Some(last)) =
            (chars.next(), chars.next(), written.chars().next_back())
        else {
            continue;
        };
        let ending_like = (CJK_FIRST..=CJK_LAST).contains(&(last as u32))
            && index.ending_like[(last as u32 - CJK_FIRST) as usize];
        if !ending_like {
            continue;
        }
        let n_chars = written.chars().count();
        let mut names: Vec<&String> = [(first, false), (second, true)]
            .iter()
            .filter_map(|&(c, at_second)| index.by_lead.get(&(n_chars, c, at_second)))
            .flatten()
            .collect();
        names.sort();
        names.dedup();
        for name in names.into_iter().filter(|n| one_slip(written, n)) {
            let repaired = format!("{}{name}{}", &text[..end], &rest[len..]);
            let again = g.region_prefix(&repaired);
            let next = again.get(mentions.len());
            if again.len() > mentions.len() && next.is_some_and(|m| m.end == end + name.len() && !m.short) {
                return Some((repaired, again, (written.to_string(), name.clone())));
            }
        }
    }
    None
}
