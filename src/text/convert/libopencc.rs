//! The optional C++ libopencc backend (cargo feature `opencc`), run on the
//! same OpenCC 1.4.2 dictionaries as the built-in converter.
//!
//! libopencc only returns text, so the offset map is rebuilt by aligning
//! output and input char by char (t2s, tw2s and hk2s never change the number
//! of chars); when the counts differ the whole text maps as one piece.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::config::builtin_files;
use super::{detect_variant, Convert, Converted, Variant};
use crate::error::{Error, Result};
use crate::text::offsets::{OffsetMap, OffsetMapBuilder};

/// Traditional -> Simplified through libopencc.
pub struct LibOpenccConverter {
    t2s: opencc_rust::OpenCC,
    tw2s: Option<opencc_rust::OpenCC>,
    hk2s: Option<opencc_rust::OpenCC>,
    fixed: Option<opencc_rust::OpenCC>,
}

impl std::fmt::Debug for LibOpenccConverter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LibOpenccConverter")
    }
}

impl LibOpenccConverter {
    /// Write the built-in data to a temporary folder and open `variant` there
    /// (all three regional configs for [`Variant::Auto`]).
    pub fn new(variant: Variant) -> Result<Self> {
        let dir = write_data()?;
        let open = |name: &str| -> Result<opencc_rust::OpenCC> {
            opencc_rust::OpenCC::new(dir.join(format!("{name}.json")))
                .map_err(|e| Error::Backend(format!("{name}: {e}")))
        };
        let conv = if variant == Variant::Auto {
            Self {
                t2s: open("t2s")?,
                tw2s: Some(open("tw2s")?),
                hk2s: Some(open("hk2s")?),
                fixed: None,
            }
        } else {
            Self {
                t2s: open("t2s")?,
                tw2s: None,
                hk2s: None,
                fixed: Some(open(variant.config_name())?),
            }
        };
        let _ = std::fs::remove_dir_all(&dir);
        Ok(conv)
    }
}

/// The built-in dictionaries without comment lines (libopencc 1.1 does not
/// skip them) and configs with an explicit segmentation (1.1 requires one).
fn write_data() -> Result<PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("zhextract-opencc-{}-{stamp}", std::process::id()));
    let io = |path: PathBuf| move |source| Error::Io { path, source };
    std::fs::create_dir_all(&dir).map_err(io(dir.clone()))?;
    for (name, text) in builtin_files() {
        let (out_name, body) = match name.strip_prefix("config/") {
            Some(cfg) => (cfg.to_string(), adapt_config(name, text)?),
            None => (
                name.to_string(),
                text.lines()
                    .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                    .map(|l| format!("{l}\n"))
                    .collect(),
            ),
        };
        let path = dir.join(out_name);
        std::fs::write(&path, body).map_err(io(path.clone()))?;
    }
    Ok(dir)
}

fn adapt_config(name: &str, text: &str) -> Result<String> {
    let mut cfg: Value = serde_json::from_str(text).map_err(|e| Error::Dictionary {
        file: name.to_string(),
        line: e.line(),
        message: e.to_string(),
    })?;
    if let Some(obj) = cfg.as_object_mut() {
        obj.remove("normalization");
        obj.entry("segmentation").or_insert_with(
            || json!({"type": "mmseg", "dict": {"type": "text", "file": "TSPhrases.txt"}}),
        );
    }
    Ok(cfg.to_string())
}

impl Convert for LibOpenccConverter {
    fn convert(&self, text: &str) -> Converted {
        let engine = match (&self.fixed, detect_variant(text)) {
            (Some(f), _) => f,
            (None, Variant::Tw2s) => self.tw2s.as_ref().unwrap_or(&self.t2s),
            (None, Variant::Hk2s) => self.hk2s.as_ref().unwrap_or(&self.t2s),
            (None, _) => &self.t2s,
        };
        let out = engine.convert(text);
        let map = align(text, &out);
        Converted { text: out, map }
    }
}

fn align(input: &str, output: &str) -> OffsetMap {
    if input.chars().count() != output.chars().count() {
        let mut b = OffsetMapBuilder::new();
        b.push_atomic(0, input.len(), output.len());
        return b.finish();
    }
    let mut b = OffsetMapBuilder::new();
    let mut buf = [0u8; 4];
    for ((i, a), o) in input.char_indices().zip(output.chars()) {
        b.push_replacement(i, a.encode_utf8(&mut [0u8; 4]), o.encode_utf8(&mut buf));
    }
    b.finish()
}
