//! A division name typed with one same-sound slip (场安区 for 长安区, 六鞍市 for 六安市, 北晶市
//! for 北京市): the region prefix is read as the division when the repaired text continues the
//! chain of mentions. Only full names (with their 市/区/县…) are repaired: a short form is too
//! close to ordinary words.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::sound::{same_sound, sound_of};
use crate::geo::{Gazetteer, RegionMention};

/// Division names are at most this many characters long in practice (道真仡佬族苗族自治县).
const MAX_NAME_CHARS: usize = 12;

/// Full division names by sound: each name under every key made of the first reading of each
/// character except one, which takes each of its readings in turn (长安区 is filed under chang
/// and zhang at its first place). A name written with one slip shares one of these keys with
/// one of its own, built the same way.
fn index(g: &Gazetteer) -> &'static HashMap<Vec<u16>, Vec<String>> {
    static INDEX: OnceLock<HashMap<Vec<u16>, Vec<String>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut by_sound: HashMap<Vec<u16>, Vec<String>> = HashMap::new();
        for d in g.divisions() {
            if d.name.chars().count() < 2 {
                continue;
            }
            for key in sound_keys(&d.name) {
                let names = by_sound.entry(key).or_default();
                if !names.contains(&d.name) {
                    names.push(d.name.clone());
                }
            }
        }
        for names in by_sound.values_mut() {
            names.sort();
        }
        by_sound
    })
}

/// The keys of `s` (see `index`); none if a character has no reading.
fn sound_keys(s: &str) -> Vec<Vec<u16>> {
    let sounds: Vec<_> = s.chars().map(sound_of).collect();
    let Some(first) = sounds.iter().map(|x| x.readings().next()).collect::<Option<Vec<u16>>>() else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    for (i, x) in sounds.iter().enumerate() {
        for r in x.readings() {
            let mut k = first.clone();
            k[i] = r;
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys
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
    // Longest first, like the gazetteer's own reading.
    for &len in bounds.iter().skip(1).rev() {
        let written = &rest[..len];
        let Some(last) = written.chars().next_back() else { continue };
        if !ADMIN_ENDINGS.iter().any(|&e| e == last || same_sound(e, last)) {
            continue;
        }
        let mut names: Vec<&String> =
            sound_keys(written).iter().filter_map(|k| index(g).get(k)).flatten().collect();
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
