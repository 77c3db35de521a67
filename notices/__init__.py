"""Documents the window hands the applicant over the counter: 受理回执 and 不予受理一次性告知书.

`content` decides what each one says (from the case, through `console.privacy.for_the_public`: no
身份证号, 手机号 or 统一社会信用代码, not even masked); `render` fills a .docx template kept as a file
(`notices/templates/`, or the admin's copy in `NOTICE_TEMPLATE_FOLDER`). The print pages of views/ read
the same content.
"""
