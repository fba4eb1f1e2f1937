//! Weekday and month names of English, German and French, lowercase, with their other
//! spellings and abbreviations: the one list that reading dates, telling names from
//! calendar words and weighing what a sentence can answer all use.

/// The calendar words of one language, lowercase.
#[derive(Debug)]
pub struct Calendar {
    /// Weekday names, Monday first, with their other spellings ("samstag", "sonnabend").
    pub weekdays: [&'static [&'static str]; 7],
    /// Month names, January first, with their other spellings ("januar", "jänner";
    /// "février", "fevrier").
    pub months: [&'static [&'static str]; 12],
    /// Month abbreviations, January first ("jan", "janv").
    pub month_abbreviations: [&'static [&'static str]; 12],
    /// Month names that are more often another word (English "may"): a reader takes them
    /// for the month only beside a date's number.
    pub ambiguous_months: &'static [&'static str],
}

/// English.
pub const ENGLISH: Calendar = Calendar {
    weekdays: [
        &["monday"],
        &["tuesday"],
        &["wednesday"],
        &["thursday"],
        &["friday"],
        &["saturday"],
        &["sunday"],
    ],
    months: [
        &["january"],
        &["february"],
        &["march"],
        &["april"],
        &["may"],
        &["june"],
        &["july"],
        &["august"],
        &["september"],
        &["october"],
        &["november"],
        &["december"],
    ],
    month_abbreviations: [
        &["jan"],
        &["feb"],
        &["mar"],
        &["apr"],
        &[],
        &["jun"],
        &["jul"],
        &["aug"],
        &["sep", "sept"],
        &["oct"],
        &["nov"],
        &["dec"],
    ],
    ambiguous_months: &["may"],
};

/// German.
pub const GERMAN: Calendar = Calendar {
    weekdays: [
        &["montag"],
        &["dienstag"],
        &["mittwoch"],
        &["donnerstag"],
        &["freitag"],
        &["samstag", "sonnabend"],
        &["sonntag"],
    ],
    months: [
        &["januar", "jänner"],
        &["februar"],
        &["märz"],
        &["april"],
        &["mai"],
        &["juni"],
        &["juli"],
        &["august"],
        &["september"],
        &["oktober"],
        &["november"],
        &["dezember"],
    ],
    month_abbreviations: [
        &["jan"],
        &["feb"],
        &["mär"],
        &["apr"],
        &[],
        &["jun"],
        &["jul"],
        &["aug"],
        &["sep", "sept"],
        &["okt"],
        &["nov"],
        &["dez"],
    ],
    ambiguous_months: &[],
};

/// French.
pub const FRENCH: Calendar = Calendar {
    weekdays: [
        &["lundi"],
        &["mardi"],
        &["mercredi"],
        &["jeudi"],
        &["vendredi"],
        &["samedi"],
        &["dimanche"],
    ],
    months: [
        &["janvier"],
        &["février", "fevrier"],
        &["mars"],
        &["avril"],
        &["mai"],
        &["juin"],
        &["juillet"],
        &["août", "aout"],
        &["septembre"],
        &["octobre"],
        &["novembre"],
        &["décembre", "decembre"],
    ],
    month_abbreviations: [
        &["janv"],
        &["févr"],
        &[],
        &["avr"],
        &[],
        &[],
        &["juil"],
        &[],
        &["sept"],
        &["oct"],
        &["nov"],
        &["déc"],
    ],
    ambiguous_months: &[],
};

/// The three languages' calendars.
pub const CALENDARS: [&Calendar; 3] = [&ENGLISH, &GERMAN, &FRENCH];

impl Calendar {
    /// The weekday (0 for Monday) lowercase `word` names.
    pub fn weekday(&self, word: &str) -> Option<usize> {
        self.weekdays.iter().position(|names| names.contains(&word))
    }

    /// The month (1–12) lowercase `word` names, in full or abbreviated; a trailing full
    /// stop is ignored ("janv.").
    pub fn month(&self, word: &str) -> Option<u32> {
        let w = word.trim_end_matches('.');
        (0..12)
            .find(|&m| self.months[m].contains(&w) || self.month_abbreviations[m].contains(&w))
            .map(|m| m as u32 + 1)
    }

    /// Whether lowercase `word` is a month's full name.
    pub fn is_month_name(&self, word: &str) -> bool {
        self.months.iter().any(|names| names.contains(&word))
    }

    /// Whether lowercase `word` is a weekday's or a month's full name.
    pub fn is_day_or_month_name(&self, word: &str) -> bool {
        self.weekday(word).is_some() || self.is_month_name(word)
    }

    /// The weekdays' names, with their other spellings.
    pub fn weekday_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.weekdays.iter().flat_map(|names| names.iter().copied())
    }
}

/// Whether lowercase `word` is a weekday's or a month's full name in English, German or
/// French, an ambiguous one ("may") included.
pub fn is_day_or_month_name(word: &str) -> bool {
    CALENDARS.iter().any(|c| c.is_day_or_month_name(word))
}

/// Whether lowercase `word` names a month only beside a date's number (English "may").
pub fn is_ambiguous_month(word: &str) -> bool {
    CALENDARS.iter().any(|c| c.ambiguous_months.contains(&word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_spellings_and_abbreviations() {
        assert_eq!(GERMAN.weekday("sonnabend"), Some(5));
        assert_eq!(FRENCH.weekday("lundi"), Some(0));
        assert_eq!(GERMAN.month("jänner"), Some(1));
        assert_eq!(FRENCH.month("janv."), Some(1));
        assert_eq!(FRENCH.month("aout"), Some(8));
        assert_eq!(ENGLISH.month("sept"), Some(9));
        assert_eq!(ENGLISH.month("maybe"), None);
        // Abbreviations are no full names.
        assert!(!GERMAN.is_month_name("okt"));
        assert!(is_day_or_month_name("märz") && is_day_or_month_name("vendredi"));
        assert!(is_ambiguous_month("may") && !is_ambiguous_month("mai"));
    }
}
