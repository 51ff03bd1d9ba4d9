// forklar: previews for first mentions of background entries.
