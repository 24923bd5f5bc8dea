//! Reading OpenCC configuration files (`t2s.json` ...) and finding the
//! dictionaries they name, either compiled into the crate or in a folder.

use std::path::PathBuf;

use serde_json::Value;

use super::dict::{Dict, DictGroup};
use crate::error::{Error, Result};

macro_rules! builtin_files {
    ($($name:literal),* $(,)?) => {
        /// (file name, contents) of the compiled-in OpenCC data.
        const BUILTIN: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../data/opencc/", $name))),)*
        ];
    };
}

builtin_files!(
    "config/t2s.json",
    "config/tw2s.json",
    "config/hk2s.json",
    "config/tw2sp.json",
    "config/hk2sp.json",
    "TSPhrases.txt",
    "TSCharacters.txt",
    "TSCharactersExt.txt",
    "TWVariantsRev.txt",
    "TWVariantsRevPhrases.txt",
    "TWPhrasesRev.txt",
    "HKVariantsRev.txt",
    "HKVariantsRevPhrases.txt",
    "HKPhrasesRev.txt",
    "CJK_Compatibility_Ideographs.txt",
    "STCharacters.txt",
);

/// Where dictionary files come from.
#[derive(Clone, Debug)]
pub(crate) enum DataSource {
    /// The OpenCC 1.4.2 data compiled into the crate.
    Builtin,
    /// An OpenCC data folder (config files in it or in `config/`).
    Dir(PathBuf),
}

impl DataSource {
    /// The contents of `file` (a dictionary, or `config/NAME.json`).
    pub(crate) fn read(&self, file: &str) -> Result<String> {
        match self {
            DataSource::Builtin => BUILTIN
                .iter()
                .find(|(n, _)| *n == file)
                .map(|(_, t)| (*t).to_string())
                .ok_or_else(|| Error::Dictionary {
                    file: file.to_string(),
                    line: 0,
                    message: "not among the built-in OpenCC files".into(),
                }),
            DataSource::Dir(dir) => {
                let mut path = dir.join(file);
                if !path.exists() {
                    // configs may sit beside the dictionaries
                    if let Some(name) = file.strip_prefix("config/") {
                        path = dir.join(name);
                    }
                }
                std::fs::read_to_string(&path).map_err(|source| Error::Io { path, source })
            }
        }
    }

    fn describe(&self, file: &str) -> String {
        match self {
            DataSource::Builtin => format!("<builtin>/{file}"),
            DataSource::Dir(d) => d.join(file).display().to_string(),
        }
    }
}

/// A parsed configuration: stages to run in order.
#[derive(Debug)]
pub(crate) struct Plan {
    /// Whole-text conversions run first (OpenCC's `normalization`).
    pub(crate) normalization: Vec<DictGroup>,
    /// Max-match segmentation dictionary, if the config has one.
    pub(crate) segmentation: Option<Dict>,
    /// Conversions applied in turn to every segment.
    pub(crate) chain: Vec<DictGroup>,
}

pub(crate) fn load_plan(source: &DataSource, config_name: &str) -> Result<Plan> {
    let file = format!("config/{config_name}.json");
    let text = source.read(&file)?;
    let where_ = source.describe(&file);
    let bad = |message: String| Error::Dictionary {
        file: where_.clone(),
        line: 0,
        message,
    };
    let json: Value = serde_json::from_str(&text).map_err(|e| Error::Dictionary {
        file: where_.clone(),
        line: e.line(),
        message: e.to_string(),
    })?;
    let steps = |key: &str| -> Result<Vec<DictGroup>> {
        let Some(list) = json.get(key) else {
            return Ok(Vec::new());
        };
        let list = list
            .as_array()
            .ok_or_else(|| bad(format!("`{key}` must be an array")))?;
        list.iter()
            .map(|step| {
                let d = step
                    .get("dict")
                    .ok_or_else(|| bad(format!("a `{key}` step has no `dict`")))?;
                Ok(DictGroup::new(load_dicts(source, d, &bad)?))
            })
            .collect()
    };
    let normalization = steps("normalization")?;
    let chain = steps("conversion_chain")?;
    if chain.is_empty() {
        return Err(bad("`conversion_chain` is missing or empty".into()));
    }
    let segmentation = match json.get("segmentation") {
        None => None,
        Some(seg) => {
            let kind = seg.get("type").and_then(Value::as_str);
            if kind != Some("mmseg") {
                return Err(bad(format!(
                    "segmentation type {kind:?} is not supported (only mmseg)"
                )));
            }
            let d = seg
                .get("dict")
                .ok_or_else(|| bad("segmentation has no `dict`".into()))?;
            let mut dicts = load_dicts(source, d, &bad)?;
            if dicts.len() != 1 {
                return Err(bad("segmentation needs exactly one text dictionary".into()));
            }
            dicts.pop()
        }
    };
    Ok(Plan {
        normalization,
        segmentation,
        chain,
    })
}

/// The text dictionaries of a `dict` object: one, or a group's members.
fn load_dicts(source: &DataSource, d: &Value, bad: &dyn Fn(String) -> Error) -> Result<Vec<Dict>> {
    match d.get("type").and_then(Value::as_str) {
        Some("group") => {
            let members = d
                .get("dicts")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("a group needs a `dicts` array".into()))?;
            if let Some(policy) = d.get("match_policy").and_then(Value::as_str) {
                if policy != "short_circuit" {
                    return Err(bad(format!("match_policy {policy:?} is not supported")));
                }
            }
            let mut out = Vec::new();
            for m in members {
                out.extend(load_dicts(source, m, bad)?);
            }
            Ok(out)
        }
        Some("text") => {
            let file = d
                .get("file")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("a text dictionary needs a `file`".into()))?;
            let text = source.read(file)?;
            Ok(vec![Dict::parse(&source.describe(file), &text)?])
        }
        other => Err(bad(format!(
            "dictionary type {other:?} is not supported (use text dictionaries)"
        ))),
    }
}

/// The built-in files, for the optional libopencc backend which needs them on disk.
#[cfg_attr(not(feature = "opencc"), allow(dead_code))]
pub(crate) fn builtin_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTIN.iter().copied()
}

/// A compiled-in OpenCC file by name (`TSCharacters.txt`).
pub(crate) fn builtin_file(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
