"""Use cases. Each public function is one transaction; routes, pages, CLI and jobs call these."""
