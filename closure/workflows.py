"""Record types of the closure stage and their workflows (roles per transition: core.permissions).

SP-4.5.2 and SP-4.5.3: the project summary report 项目总结报告 (the project team drafts it, the Service Department
manager approves), the internal review 内部评审, the project acceptance certificate 项目验收证明 (signed by the
customer) and the project's closure.
"""
