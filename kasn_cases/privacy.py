"""What the application's logs may say about a client: never its IP address or browser (issue 28, point 3).

The public report form promises that no IP address or browser data is kept. The web server's access log
(kasn_cases/gunicorn_conf.py) leaves both out; django-axes, which watches officer logins, would otherwise write
them into its log lines. Its lockouts still count by username and IP address in the database (AXES_LOCKOUT_PARAMETERS).
"""


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    return f"{{username: {username!r}, path_info: {path_info!r}}}"
