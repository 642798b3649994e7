"""Users and staff-issued invitations."""

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, String, select
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.core.db import TimestampMixin, string_enum
from app.core.permissions import Role
from app.extensions import db


class UserRole(db.Model):
    """One role a user holds; a Darwin partner may mentor and review, a staff member may review."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(string_enum(Role), primary_key=True, index=True)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("locale IN ('id', 'en')", name="locale_known"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    date_of_birth: Mapped[date | None]
    locale: Mapped[str] = mapped_column(String(8), default="id")
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Makassar")
    email_confirmed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session cookie; raising it (logout, password change or reset, "log out everywhere") ends every
    # session and remember-me cookie issued before.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot log in
        return self.active

    def get_id(self) -> str:
        """What the session and remember-me cookies carry (Flask-Login); the app's user_loader checks the version."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    # Loaded with the user (one query for a whole list), so that permission checks never query again.
    role_rows: Mapped[set[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                     passive_deletes=True)
    # The roles as a set of Role: `user.roles.add(Role.REVIEWER)`, `User(roles={Role.STAFF})`.
    roles: AssociationProxy[set[Role]] = association_proxy("role_rows", "role",
                                                           creator=lambda role: UserRole(role=role))

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds any of `roles`."""
        return any(role in self.roles for role in roles)

    @classmethod
    def holding(cls, role: Role) -> ColumnElement[bool]:
        """A WHERE clause: users who hold `role`."""
        return cls.id.in_(select(UserRole.user_id).where(UserRole.role == role))

    def __repr__(self) -> str:
        return f"<User {self.id} {sorted(self.roles)}>"


class Invitation(db.Model):
    """A staff member invites a mentor or reviewer; the link lets them set a password and gives the role."""

    __tablename__ = "invitation"
    __table_args__ = (CheckConstraint("role IN ('mentor', 'reviewer', 'staff')", name="role_invitable"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(string_enum(Role))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now_utc()


class SignInLink(db.Model):
    """A one-time "e-mail me a sign-in link": only the token's SHA-256 is stored, so a leaked table signs no one in."""

    __tablename__ = "sign_in_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.expires_at > now_utc()
