"""Reports from the record: dossiers (HTML, PDF) with proof bundles, the daily safety
report, the bound-book export."""
