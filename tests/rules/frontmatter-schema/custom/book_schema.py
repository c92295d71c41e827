from pydantic import BaseModel, ConfigDict


class Book(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    year: int
