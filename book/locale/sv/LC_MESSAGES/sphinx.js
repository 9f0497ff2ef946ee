Documentation.addTranslations({
    "locale": "sv",
    "messages": {
        ", in ": ", i ",
        "Hide Search Matches": "D\u00f6lj s\u00f6kresultaten",
        "Preparing search...": "F\u00f6rbereder s\u00f6kningen \u2026",
        "Search Results": "S\u00f6kresultat",
        "Search finished, found ${resultCount} page(s) matching the search query.": "S\u00f6kningen \u00e4r klar: ${resultCount} sida/sidor matchar.",
        "Searching": "S\u00f6ker",
        "Searching for multiple words only shows matches that contain\n    all words.": "N\u00e4r du s\u00f6ker p\u00e5 flera ord visas bara tr\u00e4ffar som inneh\u00e5ller alla orden.",
        "Table of Contents": "Inneh\u00e5ll",
        "Your search did not match any documents. Please make sure that all words are spelled correctly and that you've selected enough categories.": "Inga sidor matchade s\u00f6kningen. Kontrollera stavningen eller pr\u00f6va andra ord."
    },
    "plural_expr": "(n != 1)"
});
