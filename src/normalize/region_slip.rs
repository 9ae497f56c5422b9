//! A division name typed with one same-sound slip (场安区 for 长安区, 六鞍市 for 六安市, 北晶市
//! for 北京市): the region prefix is read as the division when the repaired text continues the
//! chain of mentions. Only full names (with their 市/区/县…) are repaired: a short form is too
//! close to ordinary words.

use std::sync::OnceLock;

use super::sound::{same_sound, CJK_FIRST, CJK_LAST};
use crate::geo::{Gazetteer, RegionMention};

/// Division names are at most this many characters long in practice (道真仡佬族苗族自治县).
const MAX_NAME_CHARS: usize = 12;

/// Full division names filed under pairs of their characters. A name written with one slip
/// keeps all its characters but one, so it keeps the first two, or the first and the last, or
/// the second and the last (a two-character name keeps one of its two): the names filed under
/// those pairs of the written text are every name one slip away, and few (filed by one
/// character, the lists held every three-character name starting with 新 and the search was a
/// sixth of name parsing). `one_slip` then keeps the right ones.
struct SlipIndex {
    /// (length in characters, which pair, the pair's characters) → names.
    by_pair: ahash::AHashMap<(usize, u8, char, char), Vec<String>>,
    /// Per CJK character: an administrative ending or sounds like one (限 for 县).
    ending_like: Vec<bool>,
}

/// The keys a name (or a written window) is filed under; `None` for one character.
fn pair_keys(chars: &[char]) -> Option<[(usize, u8, char, char); 3]> {
    let n = chars.len();
    match n {
        0 | 1 => None,
        // Keys 3 and 4 only: the third is a repeat of the first.
        2 => Some([(n, 3, chars[0], '\0'), (n, 4, '\0', chars[1]), (n, 3, chars[0], '\0')]),
        _ => {
            Some([(n, 0, chars[0], chars[1]), (n, 1, chars[0], chars[n - 1]), (n, 2, chars[1], chars[n - 1])])
        }
    }
}

fn index(g: &Gazetteer) -> &'static SlipIndex {
    static INDEX: OnceLock<SlipIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut by_pair: ahash::AHashMap<(usize, u8, char, char), Vec<String>> = ahash::AHashMap::new();
        for d in g.divisions() {
            let chars: Vec<char> = d.name.chars().collect();
            let Some(keys) = pair_keys(&chars) else { continue };
            for key in keys {
                let names = by_pair.entry(key).or_default();
                if !names.contains(&d.name) {
                    names.push(d.name.clone());
                }
            }
        }
        let ending_like = (CJK_FIRST..=CJK_LAST)
            .map(|cp| {
                char::from_u32(cp).is_some_and(|c| ADMIN_ENDINGS.iter().any(|&e| e == c || same_sound(e, c)))
            })
            .collect();
        SlipIndex { by_pair, ending_like }
    })
}

/// Last characters of full division names; a window is only tried if it ends with one of them
/// or with a character that sounds like one (魏限 for 魏县).
const ADMIN_ENDINGS: &[char] = &['省', '市', '区', '县', '旗', '州', '盟'];

/// `written` is `name` with exactly one same-sound slip.
/// Runs for every candidate name of every window of every record: no allocation, and it stops
/// at the second difference.
fn one_slip(written: &str, name: &str) -> bool {
    if written.len() != name.len() && written.chars().count() != name.chars().count() {
        return false;
    }
    let (mut w, mut n) = (written.chars(), name.chars());
    let mut slip = None;
    loop {
        match (w.next(), n.next()) {
            (None, None) => break,
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) if slip.is_none() => slip = Some((x, y)),
            _ => return false,
        }
    }
    slip.is_some_and(|(x, y)| same_sound(x, y))
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
    // The first characters of the rest and where each ends, on the stack: this runs for most
    // names, and two vectors per call were a tenth of name parsing.
    let mut chars = ['\0'; MAX_NAME_CHARS];
    let mut bounds = [0usize; MAX_NAME_CHARS];
    let mut count = 0;
    for ((i, c), (slot, bound)) in rest.char_indices().zip(chars.iter_mut().zip(bounds.iter_mut())) {
        (*slot, *bound) = (c, i + c.len_utf8());
        count += 1;
    }
    let index = index(g);
    // Longest first, like the gazetteer's own reading.
    for n in (2..=count).rev() {
        let (written, last) = (&rest[..bounds[n - 1]], chars[n - 1]);
        let len = written.len();
        let ending_like = (CJK_FIRST..=CJK_LAST).contains(&(last as u32))
            && index.ending_like[(last as u32 - CJK_FIRST) as usize];
        if !ending_like {
            continue;
        }
        let Some(keys) = pair_keys(&chars[..n]) else { continue };
        let mut names: Vec<&String> = keys
            .iter()
            .filter_map(|k| index.by_pair.get(k))
            .flatten()
            .filter(|n| one_slip(written, n))
            .collect();
        names.sort();
        names.dedup();
        for name in names {
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
