"""Other formats, both ways: spreadsheets (our template or a town's own list) and Open
Referral HSDS 3."""
