"""The one error the use cases raise: a message for people and the HTTP status an API answers with."""


class ActionError(Exception):
    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status

    @property
    def message(self) -> str:
        return self.args[0]


class NotFound(ActionError):
    def __init__(self, message: str = "Record not found") -> None:
        super().__init__(message, 404)
