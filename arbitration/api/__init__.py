"""Arbitration's REST endpoints: disputes for division agents. The project mounts them under
/api/ beside the market's (tokenhub/api_urls.py); the market app never imports these."""
