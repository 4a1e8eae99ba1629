from banking.models.accounts import BankAccount, BankStatement, StatementLine

__all__ = ["BankAccount", "BankStatement", "StatementLine"]
