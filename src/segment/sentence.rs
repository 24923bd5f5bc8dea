//! Sentence spans: split after 。！？；!?; and at line breaks, with closing
//! quotes and brackets kept with their sentence, and never inside a book
//! title (《…》).

use std::ops::Range;

/// Longest stretch a book title may hold terminators before it is taken to be
/// unbalanced.
const MAX_TITLE_CHARS: usize = 80;

/// The enumeration comma of a list of names (A、B、C).
pub(crate) const ENUMERATION_MARK: &str = "、";

/// Marks that end a clause inside a sentence (a comma, semicolon or colon):
/// relation cues, stake shares and deal amounts stay within their clause.
pub(crate) const CLAUSE_MARKS: [char; 6] = ['，', ',', '；', ';', '：', ':'];

fn is_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '…')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '"' | '\'' | '】' | '〕'
    )
}

/// Byte ranges of the sentences of `text`, trimmed of surrounding whitespace;
/// blank stretches give none.
///
/// ```
/// let text = "他说：“会上线。”随后离开。《你好。世界》很好看！3.5亿元\n第二行";
/// let s: Vec<&str> = zhextract::segment::split_sentences(text).into_iter().map(|r| &text[r]).collect();
/// assert_eq!(s, ["他说：“会上线。”", "随后离开。", "《你好。世界》很好看！", "3.5亿元", "第二行"]);
/// ```
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut title_depth = 0usize;
    let mut title_chars = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '《' | '〈' => {
                title_depth += 1;
                title_chars = 0;
            }
            '》' | '〉' => title_depth = title_depth.saturating_sub(1),
            _ => {}
        }
        if title_depth > 0 {
            title_chars += 1;
            if title_chars > MAX_TITLE_CHARS {
                title_depth = 0;
            }
        }
        if c == '\n' || c == '\r' {
            push(text, start..i, &mut out);
            start = i + c.len_utf8();
            title_depth = 0;
            continue;
        }
        if !is_terminator(c) || title_depth > 0 {
            continue;
        }
        // ASCII ?!; inside a URL or code (`a.com/?x=1`) end nothing
        if c.is_ascii()
            && chars
                .peek()
                .is_some_and(|&(_, d)| d.is_ascii_alphanumeric() || "=&/%#".contains(d))
        {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if is_terminator(d) || is_closer(d) {
                end = j + d.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        push(text, start..end, &mut out);
        start = end;
    }
    push(text, start..text.len(), &mut out);
    out
}

fn push(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    if !trimmed.is_empty() {
        let start = r.start + lead;
        out.push(start..start + trimmed.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<&str> {
        split_sentences(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn terminators_and_closers() {
        assert_eq!(split("真的吗?!是的。"), ["真的吗?!", "是的。"]);
        assert_eq!(split("「好。」他说。"), ["「好。」", "他说。"]);
        assert_eq!(split("增长3.5%;利润下降。"), ["增长3.5%;", "利润下降。"]);
        assert_eq!(split("  \n\n  "), Vec::<&str>::new());
        assert_eq!(split("没有句号"), ["没有句号"]);
        assert_eq!(split("a\r\nb"), ["a", "b"]);
    }

    #[test]
    fn unbalanced_title_does_not_swallow_the_text() {
        let t = format!("《{}。后面", "字".repeat(100));
        assert_eq!(split(&t).len(), 2);
    }
}
