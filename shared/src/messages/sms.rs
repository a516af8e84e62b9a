//! How many SMS segments a text takes (GSM 03.38 or UCS-2).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SmsInfo {
    pub encoding: SmsEncoding,
    /// In the encoding's units: GSM septets (extension characters count twice) or UTF-16 units.
    pub length: usize,
    pub segments: usize,
}

const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// Septets of text in each segment of a message longer than one segment (GSM 03.38).
pub const MULTIPART_SEPTETS: usize = 153;

pub fn measure(text: &str) -> SmsInfo {
    let gsm_length: Option<usize> = text
        .chars()
        .map(|c| {
            if GSM_BASIC.contains(c) {
                Some(1)
            } else if GSM_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    let (encoding, length, single, multi) = match gsm_length {
        Some(length) => (SmsEncoding::Gsm7, length, 160, MULTIPART_SEPTETS),
        None => (SmsEncoding::Ucs2, text.encode_utf16().count(), 70, 67),
    };
    let segments = if length <= single {
        1
    } else {
        length.div_ceil(multi)
    };
    SmsInfo {
        encoding,
        length,
        segments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm_texts_fit_160_per_segment() {
        assert_eq!(
            measure(&"a".repeat(160)),
            SmsInfo {
                encoding: SmsEncoding::Gsm7,
                length: 160,
                segments: 1
            }
        );
        assert_eq!(measure(&"a".repeat(161)).segments, 2);
        assert_eq!(measure(&"a".repeat(306)).segments, 2);
        assert_eq!(measure("Grüße für Åsa, Ñoño").encoding, SmsEncoding::Gsm7);
        assert_eq!(
            measure("€").length,
            2,
            "extension characters take two septets"
        );
    }

    #[test]
    fn other_characters_switch_to_ucs2() {
        let info = measure("¿Qué tal? Está aquí");
        assert_eq!(info.encoding, SmsEncoding::Ucs2);
        assert_eq!(info.length, 19);
        assert_eq!(measure(&"í".repeat(71)).segments, 2);
    }
}
