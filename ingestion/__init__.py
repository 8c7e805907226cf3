"""Sources, ingestion runs and the stages that discover, archive and crawl job URLs."""
