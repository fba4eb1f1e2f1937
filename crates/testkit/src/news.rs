//! A small fixture news day: three outlets covering two events, written for Tidings' tests
//! (the text is the project's own). One outlet runs an agency copy of another's report under
//! its own headline, with a trailer, so tests can check that copies are recognised.

use crate::{FixtureWeb, Reply};

/// One article of the fixture day.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    /// The path of its page on the fixture web.
    pub path: &'static str,
    /// Its headline.
    pub title: &'static str,
    /// Its text, paragraphs separated by blank lines.
    pub body: &'static str,
    /// A line the outlet added after the text ("" for none).
    pub trailer: &'static str,
    /// Minutes before now it was published.
    pub minutes_ago: i64,
}

/// An outlet of the fixture day and what it published.
#[derive(Debug, Clone, Copy)]
pub struct Outlet {
    /// Its name (the feed's title).
    pub name: &'static str,
    /// The path of its feed on the fixture web.
    pub feed: &'static str,
    /// Its reports.
    pub reports: &'static [Report],
}

const FLOOD: &str = "A dam upstream of Saint-Aurel gave way early on Tuesday after three days \
of torrential rain, sending a wall of water down the Varenne valley and flooding the lower \
town, the regional prefecture said.\n\nRescue teams evacuated about 1,200 residents from \
riverside streets overnight, and helicopters lifted 40 people from rooftops. Two people are \
missing, prefect Claire Vautrin told reporters, and the main bridge over the Varenne has been \
closed to traffic.\n\nEngineers had warned in a report last year that the 1950s dam needed \
repairs. The prefecture has opened an inquiry into why the spillway failed.";

const FLOOD_2: &str = "Residents of Saint-Aurel waded through knee-deep water on Tuesday \
after the Varenne river broke through a dam above the town, in the worst flooding the valley \
has seen in decades.\n\nPrefect Claire Vautrin said two people were missing and that some \
1,200 people had been moved to shelters in schools and a sports hall. Army helicopters \
winched dozens of residents from their roofs.\n\nLocal officials said the dam, built in the \
1950s, had been due for repairs, and questions are mounting over whether warnings about its \
spillway were ignored.";

const RATES: &str = "The Bank of Norland raised its main interest rate by half a point to \
4.5 percent on Wednesday, its third increase this year, saying inflation of 6.1 percent was \
proving more stubborn than expected.\n\nGovernor Henrik Dahl said the bank was ready to act \
again if wage growth did not slow, and that mortgage holders should prepare for higher costs \
into next year. The krone strengthened against the euro after the announcement.\n\nEconomists \
had expected a smaller quarter-point move, and the decision was taken by a split vote of \
five to two on the monetary policy committee.";

const RATES_2: &str = "Norland's central bank surprised markets on Wednesday with a \
half-point increase that takes its benchmark rate to 4.5 percent, as Governor Henrik Dahl \
warned that inflation, now at 6.1 percent, was not falling fast enough.\n\nTwo of the seven \
members of the monetary policy committee voted for a smaller rise. Homeowners with variable \
mortgages will see repayments climb again, and builders warned the increase would deepen a \
slump in new housing.\n\nThe krone rose against the euro and the dollar after the decision \
was published.";

/// The fixture day: three outlets, two events (a dam breach and flood in Saint-Aurel, a rate
/// rise by the Bank of Norland); the third outlet's flood report is an agency copy of the
/// first outlet's text.
pub const OUTLETS: &[Outlet] = &[
    Outlet {
        name: "Harbour Post",
        feed: "/harbour/feed.xml",
        reports: &[
            Report {
                path: "/harbour/flood",
                title: "Dam gives way above Saint-Aurel, flooding the lower town",
                body: FLOOD,
                trailer: "",
                minutes_ago: 300,
            },
            Report {
                path: "/harbour/rates",
                title: "Bank of Norland raises rates to 4.5%",
                body: RATES,
                trailer: "",
                minutes_ago: 120,
            },
        ],
    },
    Outlet {
        name: "Daily Ledger",
        feed: "/ledger/feed.xml",
        reports: &[
            Report {
                path: "/ledger/flood",
                title: "Saint-Aurel under water after Varenne dam breach",
                body: FLOOD_2,
                trailer: "",
                minutes_ago: 240,
            },
            Report {
                path: "/ledger/rates",
                title: "Norland central bank surprises with half-point rise",
                body: RATES_2,
                trailer: "",
                minutes_ago: 90,
            },
        ],
    },
    Outlet {
        name: "Metro Wire",
        feed: "/metro/feed.xml",
        reports: &[Report {
            path: "/metro/flood",
            title: "Two missing as dam bursts in Varenne valley",
            body: FLOOD,
            trailer: "(Agency copy. Reporting by the regional desk.)",
            minutes_ago: 200,
        }],
    },
];

/// Serves the fixture day on `web`: each outlet's RSS feed at its path (full text in each
/// item, so no page needs fetching), with publication times relative to `now` (Unix
/// seconds).
pub fn serve_two_events(web: &FixtureWeb, now: i64) {
    for outlet in OUTLETS {
        let items: String = outlet
            .reports
            .iter()
            .map(|r| {
                let html: String = r
                    .body
                    .split("\n\n")
                    .chain(Some(r.trailer).filter(|t| !t.is_empty()))
                    .map(|p| format!("<p>{p}</p>"))
                    .collect();
                format!(
                    "<item><title>{}</title><link>{}</link><pubDate>{}</pubDate>\
                     <description><![CDATA[{html}]]></description></item>",
                    r.title,
                    web.url(r.path),
                    rfc2822(now - r.minutes_ago * 60)
                )
            })
            .collect();
        web.set(
            outlet.feed,
            Reply::feed(format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{}</title>\
                 <link>{}</link><language>en</language>{items}</channel></rss>",
                outlet.name,
                web.url("/")
            )),
        );
    }
}

/// A Unix time as an RFC 2822 date in GMT ("Tue, 24 Nov 2026 09:00:00 GMT").
pub fn rfc2822(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc_2822() {
        assert_eq!(rfc2822(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(rfc2822(1_795_770_000), "Fri, 27 Nov 2026 09:00:00 GMT");
        assert_eq!(rfc2822(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    }
}
