"""JobPipe's roles: two Django groups, made by dashboard/migrations/0001_roles.py.

- viewer: reads the dashboard and the admin (every JobPipe model's view permission);
- operator: a viewer who also starts, resets and cancels runs, retries failed URLs, enables
  and disables sources, resolves incidents and approves or rejects held archives.

The doors check model permissions, not group names, so a custom group works too: reading needs
READ, operating needs OPERATE, and each admin action the change permission of its model.
"""

from __future__ import annotations

VIEWER, OPERATOR = "viewer", "operator"
READ = "ingestion.view_ingestionrun"
OPERATE = "ingestion.change_ingestionrun"
