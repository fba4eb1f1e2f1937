//! URL slugs from headlines: `/article/42/harbour-bridge-reopens`.

/// The slug of a headline: lowercase letters and digits joined by single hyphens, at most
/// 80 characters, cut at a hyphen. Letters outside ASCII are kept.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_string();
    if slug.chars().count() > 80 {
        let cut: String = slug.chars().take(80).collect();
        slug = match cut.rfind('-') {
            Some(i) if i > 20 => cut[..i].to_string(),
            _ => cut,
        };
    }
    if slug.is_empty() {
        "article".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn headlines_become_slugs() {
        assert_eq!(
            slugify("Bridge reopens & traffic flows!"),
            "bridge-reopens-traffic-flows"
        );
        assert_eq!(slugify("  Brücke: wieder offen  "), "brücke-wieder-offen");
        assert_eq!(slugify("¿?"), "article");
        let long = slugify(&"word ".repeat(40));
        assert!(long.chars().count() <= 80 && !long.ends_with('-'), "{long}");
    }
}
