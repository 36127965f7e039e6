"""Who may use Dunwell: users and roles, passwords, web sessions, API tokens, portfolio grants."""
