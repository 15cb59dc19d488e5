"""cogtui: the self-service account page of an Amazon Cognito user pool, in the terminal."""

__version__ = "0.1.0"
