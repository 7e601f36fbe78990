//! Code frames: a source line with a caret under a column, as Deno shows errors.

/// `text` (one source line) with a caret under 1-based column `col`, as Deno shows it.
pub fn code_frame(text: &str, col: u32) -> String {
    // Tabs stay tabs, so the caret lines up in a terminal.
    let pad: String = text
        .chars()
        .take(col.saturating_sub(1) as usize)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    format!("{text}\n{pad}^")
}

#[cfg(test)]
mod tests {
    use super::code_frame;

    #[test]
    fn code_frame_puts_the_caret_under_the_column() {
        assert_eq!(code_frame("  throw e;", 3), "  throw e;\n  ^");
        assert_eq!(code_frame("\tx = 1;", 2), "\tx = 1;\n\t^");
    }
}
